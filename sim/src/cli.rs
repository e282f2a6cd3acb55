//! Command-line parsing.

use crate::state::Config;

pub const USAGE: &str = "\
Usage: buildscope-sim [--listen ADDR] [--token TOKEN] [--stage-seconds N] [--cors] [--xss-vectors FILE]

  --listen ADDR        address to bind (default 127.0.0.1:18090; port 0 = any free port)
  --token TOKEN        require `X-Auth-Token: TOKEN` on every API request
                       (default: $SIM_TOKEN; no auth when neither is set)
  --stage-seconds N    seconds per build stage/phase, may be fractional (default 3)
  --cors               answer CORS preflights and allow any origin (off by default,
                       like the real services)
  --xss-vectors FILE   also serve the XSS corpus built from FILE (harness/xss-vectors.json;
                       fixed ids, see src/xss.rs)
  -h, --help           this text

Control API (never needs a token): GET /__sim/health, GET|POST|DELETE /__sim/faults,
POST /__sim/reset. See sim/README.md.
";

pub const DEFAULT_LISTEN: &str = "127.0.0.1:18090";

#[derive(Debug)]
pub struct Options {
    pub listen: String,
    pub config: Config,
}

#[derive(Debug)]
pub enum Command {
    Run(Options),
    Help,
}

pub fn parse(args: &[String], env_token: Option<String>) -> Result<Command, String> {
    let mut listen = DEFAULT_LISTEN.to_string();
    let mut config = Config {
        token: env_token.filter(|t| !t.is_empty()),
        ..Config::default()
    };
    let mut i = 0;
    while i < args.len() {
        let arg = args[i].as_str();
        let (name, inline) = match arg.split_once('=') {
            Some((n, v)) if n.starts_with("--") => (n, Some(v.to_string())),
            _ => (arg, None),
        };
        let mut value = |what: &str| -> Result<String, String> {
            if let Some(v) = inline.clone() {
                return Ok(v);
            }
            i += 1;
            args.get(i)
                .cloned()
                .ok_or_else(|| format!("{name} needs {what}"))
        };
        match name {
            "-h" | "--help" => return Ok(Command::Help),
            "--listen" => listen = value("an address")?,
            "--token" => {
                let t = value("a token")?;
                config.token = if t.is_empty() { None } else { Some(t) };
            }
            "--stage-seconds" => {
                let v = value("a number")?;
                let secs: f64 = v
                    .parse()
                    .map_err(|_| format!("--stage-seconds: {v:?} is not a number"))?;
                if !(0.1..=3600.0).contains(&secs) {
                    return Err("--stage-seconds must be between 0.1 and 3600".into());
                }
                config.stage_ms = (secs * 1000.0).round() as i64;
            }
            "--cors" => config.cors = true,
            "--xss-vectors" => {
                let corpus = crate::xss::Corpus::load(&value("a file")?)?;
                config.xss = Some(std::sync::Arc::new(corpus));
            }
            other => return Err(format!("unknown argument {other:?}")),
        }
        i += 1;
    }
    Ok(Command::Run(Options { listen, config }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &[&str]) -> Vec<String> {
        s.iter().map(|a| a.to_string()).collect()
    }

    fn run(s: &[&str], env: Option<&str>) -> Options {
        match parse(&args(s), env.map(String::from)) {
            Ok(Command::Run(o)) => o,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn defaults_and_flags() {
        let o = run(&[], None);
        assert_eq!(o.listen, "127.0.0.1:18090");
        assert_eq!(o.config.stage_ms, 3000);
        assert_eq!(o.config.token, None);
        let o = run(
            &[
                "--listen",
                "127.0.0.1:0",
                "--token=t",
                "--stage-seconds",
                "0.5",
                "--cors",
            ],
            Some("env"),
        );
        assert_eq!(o.listen, "127.0.0.1:0");
        assert_eq!(o.config.token.as_deref(), Some("t"));
        assert_eq!(o.config.stage_ms, 500);
        assert!(o.config.cors);
        assert_eq!(run(&[], Some("env")).config.token.as_deref(), Some("env"));
        assert_eq!(run(&[], Some("")).config.token, None);
    }

    #[test]
    fn errors() {
        for bad in [
            &["--listen"][..],
            &["--stage-seconds", "0"],
            &["--stage-seconds", "abc"],
            &["--stage-seconds", "NaN"],
            &["--bogus"],
        ] {
            assert!(parse(&args(bad), None).is_err(), "{bad:?}");
        }
        assert!(matches!(parse(&args(&["-h"]), None), Ok(Command::Help)));
    }
}
