#!/usr/bin/env python3
"""Builds each fuzz target's seed corpus from the recorded responses in tests/fixtures/ and
the hand-written samples in fuzz/seeds/, into fuzz/corpus/<target>/seed-*.

Seeds are rewritten on every run (named by content hash, so unchanged ones stay put) and
whatever the fuzzer added to the corpus in earlier runs is kept, so coverage accumulates.
"""
import hashlib
import json
import pathlib
import sys

FUZZ = pathlib.Path(__file__).resolve().parent
FIX = FUZZ.parent / "tests" / "fixtures"
BB = FIX / "buildbot"
HW = FIX / "huawei"
SEEDS = FUZZ / "seeds"

def jsons(folder, prefix=""):
    for p in sorted(folder.glob(prefix + "*.json")):
        yield p, p.read_text(encoding="utf-8")


def ws_frames():
    """Websocket fixtures hold one frame or a list of recorded frames; a recorded exchange
    ({"dir": ..., "msg": frame}) is unwrapped to the frame itself."""
    for _, text in jsons(BB, "ws-"):
        v = json.loads(text)
        for frame in v if isinstance(v, list) else [v]:
            if isinstance(frame, dict) and "msg" in frame:
                frame = frame["msg"]
            yield json.dumps(frame)


def log_texts():
    """Log contents as the ANSI renderer and the group index see them: the logchunks'
    content and the raw-log downloads."""
    for _, text in jsons(BB):
        v = json.loads(text)
        for chunk in v.get("logchunks", []) if isinstance(v, dict) else []:
            if chunk.get("content"):
                yield chunk["content"]
    for p in sorted(BB.glob("raw-*.body.txt")):
        yield p.read_text(encoding="utf-8", errors="replace")


def time_values():
    """Every value of a time-like field in the fixtures, as JSON (string or number)."""
    keys = ("time", "_at", "date", "created", "updated")

    def walk(v):
        if isinstance(v, dict):
            for k, x in v.items():
                if any(s in k.lower() for s in keys) and isinstance(x, (str, int, float)):
                    yield json.dumps(x)
                yield from walk(x)
        elif isinstance(v, list):
            for x in v:
                yield from walk(x)

    for folder in (BB, HW):
        for _, text in jsons(folder):
            yield from walk(json.loads(text))


def hand(target):
    folder = SEEDS / target
    return [p.read_text(encoding="utf-8", errors="replace") for p in sorted(folder.glob("*"))]


def main():
    buildbot = [t for _, t in jsons(BB)]
    huawei_errors = [t for _, t in jsons(HW, "error-")]
    plan = {
        # Every Buildbot body goes to every REST target: the wrong envelope is a decode error
        # to explore too, and libFuzzer keeps only the inputs that add coverage.
        "buildbot_builders": buildbot,
        "buildbot_builds": buildbot,
        "buildbot_steps": buildbot,
        "buildbot_logs": buildbot,
        "buildbot_ws": list(ws_frames()),
        "codearts": [t for _, t in jsons(HW, "codearts-")] + huawei_errors,
        "servicestage": [t for _, t in jsons(HW, "servicestage-")] + huawei_errors,
        "timeparse": sorted(set(time_values()))
        + (SEEDS / "timeparse.lines").read_text(encoding="utf-8").splitlines(),
        "ansi": list(log_texts()) + hand("ansi"),
        "loggroups": list(log_texts()) + hand("loggroups"),
        "config": [(FUZZ.parent / "public" / "config.json").read_text(encoding="utf-8"),
                   (FUZZ.parent / "e2e" / "config.json").read_text(encoding="utf-8")],
    }
    only = set(sys.argv[1:])
    for target, seeds in plan.items():
        if only and target not in only:
            continue
        out = FUZZ / "corpus" / target
        out.mkdir(parents=True, exist_ok=True)
        for seed in seeds:
            data = seed.encode("utf-8")
            name = "seed-" + hashlib.sha1(data).hexdigest()[:16]
            (out / name).write_bytes(data)
        print(f"{target}: {len(seeds)} seeds")


if __name__ == "__main__":
    main()
