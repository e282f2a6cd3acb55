//! Recorded responses under `tests/fixtures/`, for the native tests.

/// The directory of one system's fixtures.
pub fn dir(system: &str) -> String {
    format!(
        "{}/tests/fixtures/{system}",
        concat!(env!("CARGO_MANIFEST_DIR"), "/../..")
    )
}

fn read(system: &str, name: &str) -> String {
    let path = format!("{}/{name}.json", dir(system));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// A real Buildbot response, by file stem.
pub fn buildbot(name: &str) -> String {
    read("buildbot", name)
}

/// A Huawei example (see `tests/fixtures/huawei/INDEX.tsv` for where each comes from).
pub fn huawei(name: &str) -> String {
    read("huawei", name)
}
