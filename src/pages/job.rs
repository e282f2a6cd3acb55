use super::codearts::CodeArtsJob;
use super::servicestage::ServiceStageJob;
use super::{param, query_pairs, source_by_id};
use crate::components::EmptyState;
use buildscope_core::config::SourceKind;
use buildscope_core::listing::Paging;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

/// `/s/:source/jobs/:job`: the builds of one CodeArts or ServiceStage job. ServiceStage needs the
/// job's name too (`?name=`), because its builds API requires it. CodeArts history is paged
/// (`?page=&per_page=`); a new page is a new load.
#[component]
pub fn JobPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    move || {
        let p = params.read();
        let job = param(&p, "job");
        match source_by_id(&p) {
            Err(msg) => view! { <section class="page"><EmptyState title="Unknown source" hint=msg/></section> }.into_any(),
            Ok(source) => match source.kind {
                SourceKind::CodeArts => {
                    let q = query.read();
                    let paging = Paging::from_query(q.get_str("page"), q.get_str("per_page"));
                    let query = query_pairs(&q);
                    let job_name = q.get("name").filter(|n| !n.is_empty());
                    view! { <CodeArtsJob source job_id=job job_name paging query/> }.into_any()
                }
                SourceKind::ServiceStage => {
                    let name = query.read().get("name").unwrap_or_else(|| job.clone());
                    view! { <ServiceStageJob source job_id=job job_name=name/> }.into_any()
                }
                SourceKind::Buildbot => view! {
                    <section class="page"><EmptyState title="Not a job" hint="Buildbot sources list builders on their overview page."/></section>
                }
                .into_any(),
            },
        }
    }
}
