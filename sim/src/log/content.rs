//! What the scenario builds' logs say, line by line, and when each line is written.
//!
//! CodeArts lines take the three shapes of the documented DownloadRealTimeLog example:
//! a plugin line `[2023/12/21 15:44:18.793 GMT+08:00] [INFO] [Maven构建:external_post_maven] : …`,
//! a tool's own output after the time (`[…] [INFO] Building jar: …`, Maven's level), and a
//! command or raw output line with no level (`[…] $ docker stop …`). ServiceStage lines are
//! plain text, as in its example (`"buildlog": "Starting..."`).

use super::synth::{Body, Pace, MAX_LINES};
use super::{Line, Log};
use crate::model::{
    CaBuild, CaLogKind, CaOutcome, CaPlan, CaStatus, SsBuild, SsOutcome, SsPlan, SsState,
    CA_STAGES, CA_USER_NAME, SS_PHASES,
};
use crate::timefmt;

/// Unique words near the end of the 1,000,000-line synthetic log, for search tests: each
/// occurs in exactly one line (see sim/README.md for the line numbers).
pub const SYNTHETIC_TOKENS: [&str; 3] = [
    "SIM1M-NEEDLE-ALPHA-7f3c9e",
    "SIM1M-NEEDLE-BRAVO-2b8d41",
    "SIM1M-NEEDLE-CHARLIE-e05a67",
];

/// One line of a stage's output, before its time is known.
enum Out {
    /// `[time] [LEVEL] [tag] : text`, written by the CodeArts step plugin.
    Plugin(&'static str, String),
    /// `[time] text`: a tool's own output (Maven's `[INFO] …`) or a command (`$ …`).
    Tool(String),
}

fn plugin(msg: impl Into<String>) -> Out {
    Out::Plugin("INFO", msg.into())
}

fn tool(text: impl Into<String>) -> Out {
    Out::Tool(text.into())
}

struct Writer {
    lines: Vec<Line>,
}

impl Writer {
    fn plugin(&mut self, at: i64, stage: Option<usize>, level: &str, tag: &str, msg: &str) {
        self.lines.push(Line {
            at,
            stage,
            text: format!("{} [{level}] [{tag}] : {msg}", timefmt::codearts_log(at)),
        });
    }

    fn out(&mut self, at: i64, stage: usize, tag: &str, o: &Out) {
        match o {
            Out::Plugin(level, msg) => self.plugin(at, Some(stage), level, tag, msg),
            Out::Tool(text) => self.lines.push(Line {
                at,
                stage: Some(stage),
                text: format!("{} {text}", timefmt::codearts_log(at)),
            }),
        }
    }
}

fn tag(i: usize) -> String {
    let (key, display, _) = CA_STAGES[i];
    match key {
        "stage3" => "Maven构建:external_post_maven".to_string(),
        _ => format!("{display}:{key}"),
    }
}

/// Every line a CodeArts build writes.
pub fn codearts(b: &CaBuild, plan: &CaPlan) -> Log {
    let job = b.job();
    let mut w = Writer { lines: Vec::new() };
    w.plugin(
        b.t0,
        None,
        "INFO",
        "排队:queue",
        &format!(
            "Build #{} of {} queued, waiting for an idle executor",
            b.build_no, job.name
        ),
    );
    w.plugin(
        plan.record.start_at,
        None,
        "INFO",
        "调度:schedule",
        "Executor assigned: default-x86-2u8g",
    );
    let mut body: Option<Body> = None;
    for (i, span) in plan.stages.iter().enumerate() {
        let (key, display, _) = CA_STAGES[i];
        let tag = tag(i);
        if !span.ran() {
            let msg = format!("{display} skipped: build aborted");
            w.plugin(span.finish_at, Some(i), "WARN", &tag, &msg);
            continue;
        }
        let start = format!("该步骤开始执行。 Start {display}");
        w.plugin(span.start_at, Some(i), "INFO", &tag, &start);
        match (key, job.log) {
            ("stage3", CaLogKind::Synthetic { .. } | CaLogKind::Growing { .. }) => {
                // A few lines, the generated body, then the failing end of the stage.
                let intro = maven_intro(b);
                for (k, o) in intro.iter().enumerate() {
                    w.out(span.start_at + 1 + k as i64, i, &tag, o);
                }
                let outro = synthetic_outro();
                let first = span.start_at + 10 + intro.len() as i64;
                let last = span.finish_at - 10 - outro.len() as i64;
                body = Some(Body {
                    count: 0,
                    stage: i,
                    start: first,
                    pace: match job.log {
                        CaLogKind::Growing { ms_per_line } => Pace::Every { ms: ms_per_line },
                        _ => Pace::Spread {
                            span_ms: (last - first).max(0),
                        },
                    },
                });
                for (k, o) in outro.iter().enumerate() {
                    w.out(span.finish_at - outro.len() as i64 + k as i64, i, &tag, o);
                }
            }
            _ => {
                let out = stage_body(key, b);
                let n = out.len() as i64;
                let run = (span.nominal_finish - span.start_at).max(0);
                for (j, o) in out.iter().enumerate() {
                    let at = span.start_at + run * (j as i64 + 1) / (n + 1);
                    if at >= span.finish_at && span.end == CaStatus::Aborted {
                        break;
                    }
                    w.out(at, i, &tag, o);
                }
            }
        }
        match span.end {
            CaStatus::Aborted => {
                let msg = format!("Build aborted by {CA_USER_NAME}");
                w.plugin(span.finish_at, Some(i), "WARN", &tag, &msg);
            }
            end => {
                let level = if end == CaStatus::Failed {
                    "ERROR"
                } else {
                    "INFO"
                };
                let msg = format!(
                    "{display} finished, status: {} (该步骤执行完成。)",
                    end.name()
                );
                w.plugin(span.finish_at, Some(i), level, &tag, &msg);
            }
        }
    }
    let finish = format!("Finished: {}", plan.record.end.name());
    w.plugin(plan.record.finish_at, None, "INFO", "结束:finish", &finish);
    let mut lines = w.lines;
    lines.sort_by_key(|l| l.at);
    let Some(mut body) = body else {
        return Log::from_lines(lines);
    };
    let split = lines.partition_point(|l| l.at < body.start);
    let tail = lines.split_off(split);
    body.count = match job.log {
        CaLogKind::Synthetic { lines: total } => {
            total.saturating_sub((lines.len() + tail.len()) as u64)
        }
        _ => MAX_LINES,
    }
    .min(MAX_LINES);
    Log::with_body(lines, Some(body), tail)
}

fn maven_intro(b: &CaBuild) -> Vec<Out> {
    vec![
        tool("[INFO] Scanning for projects..."),
        tool("[INFO] ------------------< com.example:maven-demo >------------------"),
        tool(format!(
            "[INFO] Building maven-demo 1.0.0 (SYNTHETIC log of {})",
            b.job().name
        )),
    ]
}

/// The end of the synthetic Maven stage: the last errors and two of the search tokens.
fn synthetic_outro() -> Vec<Out> {
    vec![
        tool("[INFO] Results:"),
        tool("[ERROR] \u{1b}[1;31mFailures:\u{1b}[0m"),
        tool("[ERROR]   SyntheticLogTest.lastItem:42 expected: <1000000> but was: <999999>"),
        plugin(format!("search token {}", SYNTHETIC_TOKENS[0])),
        tool("[ERROR] \u{1b}[1;31mTests run: 1000, Failures: 1, Errors: 0, Skipped: 0\u{1b}[0m"),
        tool("[ERROR] BUILD FAILURE"),
        Out::Plugin(
            "ERROR",
            format!("mvn test failed (最后的错误), {}", SYNTHETIC_TOKENS[1]),
        ),
    ]
}

fn stage_body(key: &str, b: &CaBuild) -> Vec<Out> {
    let job = b.job();
    let mut v: Vec<Out> = Vec::new();
    match key {
        "initial" => {
            v.push(plugin(
                "参数初始化成功。 Preparing workspace /devcloud/ws/sim",
            ));
            v.push(plugin("Loading build parameters: codeBranch, isRelease"));
            v.push(plugin(
                "环境准备完成 ✅ Environment ready (JDK 17, Maven 3.9.6)",
            ));
        }
        "stage1" => {
            v.push(plugin("Checking dependency cache maven-repo"));
            v.push(plugin("缓存命中 Cache hit: 1,204 files (87.4 MB) 📦"));
        }
        "stage2" => {
            v.push(tool(format!(
                "$ git clone --depth=1 -b {} https://codehub.example.com/sim/{}.git",
                b.branch(),
                job.repo_name
            )));
            v.push(tool(
                "Receiving objects: 100% (312/312), 1.20 MiB | 9.80 MiB/s, done.",
            ));
            v.push(tool(format!(
                "HEAD is now at {} 修复运费计算 🐛",
                &b.commit()[..7]
            )));
        }
        "stage3" => {
            v.extend(maven_intro(b).into_iter().take(2));
            v.push(tool("[INFO] Building maven-demo 1.0.0"));
            for dep in [
                "org/springframework/spring-core/6.1.4/spring-core-6.1.4.jar",
                "org/slf4j/slf4j-api/2.0.12/slf4j-api-2.0.12.jar",
                "com/fasterxml/jackson/core/jackson-databind/2.16.1/jackson-databind-2.16.1.jar",
                "org/junit/jupiter/junit-jupiter-api/5.10.2/junit-jupiter-api-5.10.2.jar",
            ] {
                v.push(tool(format!(
                    "[INFO] Downloaded from central: https://repo.example.com/maven2/{dep}"
                )));
            }
            v.push(tool("[INFO] \u{1b}[1m--- maven-compiler-plugin:3.11.0:compile (default-compile) ---\u{1b}[m"));
            v.push(tool(
                "[INFO] Compiling 48 source files to /devcloud/ws/sim/target/classes",
            ));
            v.push(tool(
                "[INFO] \u{1b}[1m--- maven-surefire-plugin:3.2.5:test (default-test) ---\u{1b}[m",
            ));
            for t in [
                "OrderServiceTest",
                "PaymentClientTest",
                "InventoryRepositoryTest",
                "PricingRulesTest",
                "CheckoutControllerTest",
            ] {
                v.push(tool(format!("[INFO] Running com.example.demo.{t}")));
                v.push(tool(
                    "[INFO] \u{1b}[32mTests run: 8, Failures: 0, Errors: 0, Skipped: 0\u{1b}[m",
                ));
            }
            if job.outcome == CaOutcome::Failed {
                v.push(tool("[ERROR] \u{1b}[1;31mTests run: 9, Failures: 1, Errors: 0, Skipped: 0 <<< FAILURE! - in com.example.demo.ShippingQuoteTest\u{1b}[m"));
                v.push(tool("[ERROR] ShippingQuoteTest.quoteForRemoteRegion:57 expected: <12.5> but was: <0.0> (偏远地区运费)"));
                v.push(tool("[ERROR] BUILD FAILURE"));
            } else {
                v.push(tool(
                    "[INFO] Tests run: 49, Failures: 0, Errors: 0, Skipped: 1",
                ));
                v.push(tool(
                    "[INFO] --- maven-jar-plugin:3.3.0:jar (default-jar) ---",
                ));
                v.push(tool(
                    "[WARN] JAR will be empty - no content was marked for inclusion!",
                ));
                v.push(tool("[INFO] BUILD SUCCESS"));
            }
        }
        _ => {
            v.push(plugin("Collecting build results"));
            if matches!(job.log, CaLogKind::Synthetic { .. }) {
                v.push(plugin(format!("search token {}", SYNTHETIC_TOKENS[2])));
            }
            v.push(plugin("Uploading logs to the archive 📤"));
        }
    }
    v
}

/// The first lines of every ServiceStage build log, written when it is queued. Byte
/// [`crate::servicestage::LOG_CHUNK`] falls inside a character of it, so the first chunk
/// of every log ends in the middle of a character.
pub const SS_BANNER: [&str; 3] = [
    "[INFO] ServiceStage 构建服务 (assembling v1): 构建日志开始 / build log begins",
    "[INFO] 构建集群 ss-build-cluster (cn-north-4)，节点规格 x86_64 4U8G / build cluster",
    "[INFO] 日志编码 UTF-8，时间为 UTC；下载日志请使用控制台 / log encoding UTF-8, times in UTC",
];

/// Every line a ServiceStage build writes: plain text, no time prefix.
pub fn servicestage(b: &SsBuild, plan: &SsPlan) -> Log {
    let job = b.job();
    let mut out: Vec<Line> = Vec::new();
    let mut push = |at: i64, text: String| {
        out.push(Line {
            at,
            stage: None,
            text,
        });
    };
    for l in SS_BANNER {
        push(plan.t0, l.to_string());
    }
    push(
        plan.t0,
        format!(
            "[INFO] build job {} #{} is queuing, waiting for a build node",
            job.name, b.index
        ),
    );
    for (k, p) in plan.phases.iter().enumerate() {
        let Some((start, end)) = p.run else { continue };
        let name = SS_PHASES[k];
        push(start, format!("[INFO] ===== phase {name} started ====="));
        let body = ss_phase_body(name, job.outcome, b);
        let n = body.len() as i64;
        // The nominal length of a phase is one slot; a timed-out phase keeps
        // printing "still building" until its end.
        let nominal = match p.end {
            SsState::Cancel => (end - start) * 2,
            _ => end - start,
        };
        for (j, line) in body.into_iter().enumerate() {
            let at = start + nominal * (j as i64 + 1) / (n + 1);
            if at >= end && p.end == SsState::Cancel {
                break;
            }
            push(at, line);
        }
        let level = match p.end {
            SsState::Successful => "INFO",
            SsState::Cancel => "WARN",
            _ => "ERROR",
        };
        push(
            end,
            format!("[{level}] ===== phase {name} {} =====", p.end.name()),
        );
    }
    push(
        plan.ended_at,
        format!("[INFO] build finished: {}", plan.end.name()),
    );
    out.sort_by_key(|l| l.at);
    Log::from_lines(out)
}

fn ss_phase_body(name: &str, outcome: SsOutcome, b: &SsBuild) -> Vec<String> {
    let job = b.job();
    let mut v: Vec<String> = Vec::new();
    match name {
        "Init" => {
            v.push("[INFO] allocating build node".into());
            v.push(
                "[INFO] 构建节点 ss-build-node-01 (x86_64, 4U8G) 已就绪 ✅ build node ready".into(),
            );
        }
        "Download" => {
            v.push(format!(
                "[INFO] cloning https://codehub.example.com/sim/{}.git",
                job.name
            ));
            v.push(format!("[INFO] checked out master at {}", &b.commit()[..7]));
            v.push("[INFO] 已下载 212 个文件 (3.4 MB) 📥 downloaded".into());
        }
        "PreProcess" => {
            v.push("[INFO] detected language: Java (Maven)".into());
            v.push("[INFO] 根据模板 java-8-jre 生成 Dockerfile (generating Dockerfile)".into());
        }
        "Build" => {
            v.push("[INFO] mvn -B clean package -DskipTests=false".into());
            v.push("[INFO] Compiling 31 source files to /workspace/target/classes".into());
            match outcome {
                SsOutcome::Failed => {
                    v.push("[ERROR] COMPILATION ERROR : 编译错误".into());
                    v.push("[ERROR] /workspace/src/main/java/com/example/App.java:[27,17] cannot find symbol 找不到符号".into());
                    v.push("[ERROR] BUILD FAILURE ❌".into());
                }
                SsOutcome::Timeout => {
                    v.push("[INFO] Running com.example.IntegrationTest".into());
                    v.push("[WARN] still building after 10 minutes ⏳".into());
                    v.push("[WARN] still building after 20 minutes ⏳".into());
                    v.push(
                        "[ERROR] build exceeded the 30 minute time limit, stopping (构建超时)"
                            .into(),
                    );
                }
                _ => {
                    v.push("[INFO] Tests run: 17, Failures: 0, Errors: 0, Skipped: 0".into());
                    v.push("[INFO] BUILD SUCCESS 🎉".into());
                }
            }
        }
        "Artifact" => {
            v.push(format!(
                "[INFO] 推送镜像 pushing image swr.example.com/sim/{}:1.0.{} 🐳",
                job.name, b.index
            ));
            v.push("[INFO] pushed 6 layers, digest sha256:4f1c0e7d9a".into());
        }
        _ => {
            v.push("[INFO] 清理工作区 cleaning workspace".into());
            v.push("[INFO] archived build report".into());
        }
    }
    v
}
