use super::*;

/// Ids a server or a user could send that would break a naively built URL.
const HOSTILE: &[&str] = &[
    "/",
    "%",
    "%2F",
    "?",
    "#",
    " ",
    "a b",
    "..",
    ".",
    "",
    "+",
    "&",
    "=",
    "a&b=c",
    "日本語",
    "é",
    "!",
    "!..",
    "!!",
    "~",
    "-",
    "\u{0}",
    "L1",
    "step-3",
    "x#L2",
];

fn every_route(id: &str) -> Vec<Route> {
    let s = || id.to_string();
    let o = || Some(id.to_string());
    vec![
        Route::Home,
        Route::Source {
            source: s(),
            status: o(),
            q: o(),
        },
        Route::Builder {
            source: s(),
            builder: s(),
            status: o(),
            page: Some(2),
            per_page: Some(0),
            n: Some(200),
        },
        Route::BuilderCompare {
            source: s(),
            builder: s(),
            a: -1,
            b: 7,
        },
        Route::Job {
            source: s(),
            job: s(),
            page: None,
            per_page: Some(5),
            name: o(),
        },
        Route::JobCompare {
            source: s(),
            job: s(),
            a: s(),
            b: s(),
            name: o(),
        },
        Route::Build {
            source: s(),
            build: s(),
            job: o(),
            step: Some(4),
        },
        Route::Build {
            source: s(),
            build: s(),
            job: None,
            step: None,
        },
        Route::StepLog {
            source: s(),
            build: 12,
            step: 3,
            slug: s(),
            lines: Some((2, 5)),
        },
        Route::StepLog {
            source: s(),
            build: 12,
            step: 3,
            slug: s(),
            lines: Some((0, 0)),
        },
        Route::BuildLog {
            source: s(),
            build: s(),
            job: o(),
            no: Some(7),
            step: o(),
            lines: Some((3, 9)),
        },
        Route::BuildLog {
            source: s(),
            build: s(),
            job: None,
            no: None,
            step: None,
            lines: None,
        },
        Route::TestResults {
            source: s(),
            build: 40,
            set: 7,
            show: o(),
            q: o(),
            page: Some(3),
        },
        Route::test_results(id, 1, 2),
        Route::Workers { source: id.into() },
        Route::Queue { source: id.into() },
        Route::Grid {
            source: id.into(),
            branch: Some(id.into()),
            tag: Some(id.into()),
            n: Some(10),
        },
        Route::Worker {
            source: id.into(),
            worker: id.into(),
        },
        Route::Changes {
            source: id.into(),
            branch: Some(id.into()),
            n: Some(5),
        },
        Route::Change {
            source: id.into(),
            change: 42,
        },
    ]
}

/// With any id, every route reads back from its href, and the id never changes the shape
/// of the address: the route's own segment count, no segment a browser would resolve or the
/// router would skip, only known query keys, one fragment at most.
#[test]
fn hostile_ids_read_back_and_never_change_the_shape_of_the_address() {
    for id in HOSTILE {
        for r in every_route(id) {
            let href = r.href();
            assert_eq!(Route::from_href(&href), Some(r.clone()), "{id:?} → {href}");
            let (rest, fragment) = href.split_once('#').unwrap_or((&href, ""));
            let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
            let segs: Vec<&str> = path.split('/').skip(1).filter(|s| !s.is_empty()).collect();
            assert_eq!(segs.len(), r.parts().segments.len(), "{href}");
            assert!(segs.iter().all(|s| !matches!(*s, "." | "..")), "{href}");
            for pair in query.split('&').filter(|p| !p.is_empty()) {
                let (k, _) = pair.split_once('=').expect(pair);
                assert!(
                    [
                        "status", "q", "page", "per_page", "name", "job", "no", "step", "show",
                        "n", "branch", "tag"
                    ]
                    .contains(&k),
                    "{href}"
                );
            }
            assert!(!fragment.contains('#'), "{href}");
        }
    }
}

#[test]
fn ordinary_ids_keep_the_addresses_the_app_always_had() {
    assert_eq!(Route::Home.href(), "/");
    assert_eq!(Route::source("local").href(), "/s/local");
    assert_eq!(
        Route::builder("local", "kitchen-sink").href(),
        "/s/local/builders/kitchen-sink"
    );
    assert_eq!(
        Route::BuilderCompare {
            source: "local".into(),
            builder: "lint-warnings".into(),
            a: 2,
            b: 3
        }
        .href(),
        "/s/local/builders/lint-warnings/compare/2/3"
    );
    assert_eq!(Route::build("local", "42", "").href(), "/s/local/builds/42");
    assert_eq!(
        Route::build("codearts", "5f3a", "job-a1").href(),
        "/s/codearts/builds/5f3a?job=job-a1"
    );
    assert_eq!(
        Route::job("servicestage", "ab-12", "my job").href(),
        "/s/servicestage/jobs/ab-12?name=my%20job"
    );
    assert_eq!(
        Route::JobCompare {
            source: "servicestage".into(),
            job: "ab-12".into(),
            a: "b1".into(),
            b: "b2".into(),
            name: Some("svc".into()),
        }
        .href(),
        "/s/servicestage/jobs/ab-12/compare/b1/b2?name=svc"
    );
    assert_eq!(
        Route::Build {
            source: "local".into(),
            build: "42".into(),
            job: None,
            step: Some(3)
        }
        .href(),
        "/s/local/builds/42#step-3"
    );
    assert_eq!(
        Route::StepLog {
            source: "local".into(),
            build: 42,
            step: 3,
            slug: "stdio".into(),
            lines: None
        }
        .href(),
        "/s/local/builds/42/steps/3/logs/stdio"
    );
    assert_eq!(
        Route::StepLog {
            source: "local".into(),
            build: 42,
            step: 3,
            slug: "stdio".into(),
            lines: Some((2, 5))
        }
        .href(),
        "/s/local/builds/42/steps/3/logs/stdio#L3-L6"
    );
    assert_eq!(
        Route::BuildLog {
            source: "codearts".into(),
            build: "5eed0002-0000-4000-8000-000000000002".into(),
            job: Some("a1b2".into()),
            no: Some(2),
            step: Some("s-1".into()),
            lines: Some((37, 37))
        }
        .href(),
        "/s/codearts/builds/5eed0002-0000-4000-8000-000000000002/log?job=a1b2&no=2&step=s-1#L38"
    );
    assert_eq!(
        Route::BuildLog {
            source: "servicestage".into(),
            build: "b1".into(),
            job: None,
            no: None,
            step: None,
            lines: None
        }
        .href(),
        "/s/servicestage/builds/b1/log"
    );
}

#[test]
fn builders_go_by_name_only_when_buildbot_accepts_it() {
    assert_eq!(
        Route::builder("local", &builder_key("linux-build", 7)).href(),
        "/s/local/builders/linux-build"
    );
    assert_eq!(
        Route::builder("local", &builder_key("linux build", 7)).href(),
        "/s/local/builders/7"
    );
}

#[test]
fn empty_names_and_jobs_are_left_out_of_the_query() {
    assert_eq!(Route::job("s", "j", "").href(), "/s/s/jobs/j");
    assert_eq!(Route::build("s", "b", "").href(), "/s/s/builds/b");
}

#[test]
fn parsing_reads_the_query_leniently() {
    assert_eq!(
        Route::parse(
            "/s/local/builders/x",
            "?page=abc&per_page=5&status=a&status=failure&zz=1"
        ),
        Some(Route::Builder {
            source: "local".into(),
            builder: "x".into(),
            status: Some("failure".into()),
            page: None,
            per_page: Some(5),
            n: None,
        })
    );
    assert_eq!(
        Route::parse("/s/local/", "q=a%20b+c"),
        Some(Route::Source {
            source: "local".into(),
            status: None,
            q: Some("a b+c".into()),
        })
    );
    assert_eq!(Route::parse("", ""), Some(Route::Home));
    assert_eq!(
        Route::parse("/s/c/builds/r/log", "no=x&job=j"),
        Some(Route::BuildLog {
            source: "c".into(),
            build: "r".into(),
            job: Some("j".into()),
            no: None,
            step: None,
            lines: None,
        })
    );
}

#[test]
fn addresses_outside_the_app_or_with_bad_numbers_parse_to_nothing() {
    for path in [
        "/x",
        "/s",
        "/s/local/builders",
        "/s/local/builds/1/steps/2/logs",
        "/s/local/builds/one/steps/2/logs/stdio",
        "/s/local/builds/1/steps/two/logs/stdio",
        "/s/local/builders/b/compare/1/x",
        "/s/local/jobs/j/compare/1",
        "/s/local/builds/1/extra",
        "/s/local/builds/1/log/x",
    ] {
        assert_eq!(Route::parse(path, ""), None, "{path}");
    }
}

#[test]
fn fragments_other_than_the_apps_own_are_ignored() {
    assert_eq!(
        Route::from_href("/s/local/builds/42#top"),
        Some(Route::build("local", "42", ""))
    );
    assert_eq!(
        Route::from_href("/s/local#step-3"),
        Some(Route::source("local"))
    );
    assert_eq!(parse_step_anchor("#step-x"), None);
    assert_eq!(parse_step_anchor(&step_anchor(12)), Some(12));
}

/// Pages read ids from the router, which decodes a parameter once (`decodeURIComponent`,
/// which is `percent_decode` for what the encoder writes): `param` of that is the id again.
#[test]
fn router_parameters_decode_to_the_same_ids_as_parse() {
    for id in HOSTILE {
        let href = Route::builder("s", id).href();
        let raw = href.rsplit('/').next().unwrap_or_default();
        assert_eq!(param(&percent_decode(raw)), *id, "{href}");
    }
}
