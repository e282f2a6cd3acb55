use buildscope_sim::{cli, server, state::Ctx, timefmt};
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let env_token = std::env::var("SIM_TOKEN").ok();
    let opts = match cli::parse(&args, env_token) {
        Ok(cli::Command::Run(opts)) => opts,
        Ok(cli::Command::Help) => {
            print!("{}", cli::USAGE);
            return ExitCode::SUCCESS;
        }
        Err(msg) => {
            eprintln!("buildscope-sim: {msg}\n\n{}", cli::USAGE);
            return ExitCode::from(2);
        }
    };
    let ctx = Ctx::new(opts.config, timefmt::now_ms());
    match server::run(&opts.listen, ctx) {
        Ok(()) => ExitCode::SUCCESS,
        Err(msg) => {
            eprintln!("buildscope-sim: {msg}");
            ExitCode::FAILURE
        }
    }
}
