//! Start the real binary on an ephemeral loopback port and talk HTTP to it
//! with a tiny std-only client.

#![allow(dead_code)]

use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

pub struct Sim {
    pub addr: String,
    child: Child,
    stdout: Option<BufReader<ChildStdout>>,
}

impl Sim {
    pub fn start(args: &[&str]) -> Sim {
        Sim::start_env(args, &[])
    }

    pub fn start_env(args: &[&str], env: &[(&str, &str)]) -> Sim {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_buildscope-sim"));
        cmd.args(["--listen", "127.0.0.1:0"])
            .args(args)
            .env_remove("SIM_TOKEN")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().expect("spawn buildscope-sim");
        let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
        let mut line = String::new();
        stdout.read_line(&mut line).expect("ready line");
        let addr = line
            .trim()
            .strip_prefix("buildscope-sim listening on http://")
            .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
            .to_string();
        Sim {
            addr,
            child,
            stdout: Some(stdout),
        }
    }

    pub fn get(&self, path: &str) -> Resp {
        self.request("GET", path, &[], None)
    }

    pub fn post(&self, path: &str, body: &str) -> Resp {
        self.request("POST", path, &[], Some(body))
    }

    pub fn delete(&self, path: &str) -> Resp {
        self.request("DELETE", path, &[], None)
    }

    pub fn request(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<&str>,
    ) -> Resp {
        let mut s = TcpStream::connect(&self.addr).expect("connect");
        s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        let body = body.unwrap_or("");
        let mut req = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nContent-Length: {}\r\n",
            self.addr,
            body.len()
        );
        if !body.is_empty() {
            req.push_str("Content-Type: application/json\r\n");
        }
        for (k, v) in headers {
            req.push_str(&format!("{k}: {v}\r\n"));
        }
        req.push_str("\r\n");
        req.push_str(body);
        s.write_all(req.as_bytes()).expect("write");
        let mut raw = Vec::new();
        s.read_to_end(&mut raw).expect("read");
        Resp::parse(&raw)
    }

    /// Send SIGTERM and wait for the exit status (at most `timeout`).
    pub fn terminate(mut self, timeout: Duration) -> (Option<std::process::ExitStatus>, String) {
        // SAFETY: plain kill(2) on the child we spawned.
        unsafe {
            libc::kill(self.child.id() as libc::pid_t, libc::SIGTERM);
        }
        let deadline = Instant::now() + timeout;
        let status = loop {
            match self.child.try_wait() {
                Ok(Some(st)) => break Some(st),
                Ok(None) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(20))
                }
                _ => break None,
            }
        };
        let mut rest = String::new();
        if let Some(mut out) = self.stdout.take() {
            if status.is_some() {
                let _ = out.read_to_string(&mut rest);
            }
        }
        (status, rest)
    }
}

impl Drop for Sim {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Resp {
    fn parse(raw: &[u8]) -> Resp {
        let split = raw
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .expect("header end");
        let head = String::from_utf8_lossy(&raw[..split]).into_owned();
        let body = String::from_utf8_lossy(&raw[split + 4..]).into_owned();
        let mut lines = head.split("\r\n");
        let status = lines
            .next()
            .and_then(|l| l.split(' ').nth(1))
            .and_then(|c| c.parse().ok())
            .expect("status line");
        let headers = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
            .collect();
        Resp {
            status,
            headers,
            body,
        }
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}

pub const CA_PROJECT: &str = "c0ffee00c0ffee00c0ffee00c0ffee00";
pub const CA_OK: &str = "a1b2c3d4e5f60718293a4b5c6d7e8f01";
pub const CA_FAIL: &str = "a1b2c3d4e5f60718293a4b5c6d7e8f02";
pub const CA_ABORT: &str = "a1b2c3d4e5f60718293a4b5c6d7e8f03";
pub const SS_OK: &str = "ss0job0000000000000000000000000000000001";
pub const SS_FAIL: &str = "ss0job0000000000000000000000000000000002";
pub const SS_TIMEOUT: &str = "ss0job0000000000000000000000000000000003";
pub const SS_CANCEL: &str = "ss0job0000000000000000000000000000000004";

pub fn ca_record(job: u32, build: u64) -> String {
    format!("5eed{job:04x}-0000-4000-8000-{build:012x}")
}

pub fn ss_build(job: u32, index: u64) -> String {
    format!("ss0bld{job:017}{index:017}")
}
