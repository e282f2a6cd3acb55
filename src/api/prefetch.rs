//! Answers `script/boot.js` asked for before the wasm started: config.json, and the first
//! requests of a Buildbot log page (the log, its step, the first window of lines) or build
//! page (the build, its steps). They travel while the wasm downloads and compiles; the HTTP
//! layer's first request for exactly one of those URLs takes its answer instead of asking
//! again (`http::Endpoint::get_text`). boot.js reads every body to its end, taken or not.

use js_sys::{Function, Promise, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// An answer as boot.js read it.
pub struct Early {
    pub status: u16,
    pub request_id: Option<String>,
    pub body: String,
}

/// boot.js's `window.buildscope[name]`, while it is there.
fn hook(name: &str) -> Option<Function> {
    let window = web_sys::window()?;
    let hooks = Reflect::get(&window, &JsValue::from_str("buildscope")).ok()?;
    if hooks.is_undefined() {
        return None;
    }
    Reflect::get(&hooks, &JsValue::from_str(name))
        .ok()?
        .dyn_into()
        .ok()
}

/// The answer boot.js asked for at exactly `url`, once: nobody else gets it.
pub fn take(url: &str) -> Option<Promise> {
    hook("take")?
        .call1(&JsValue::NULL, &JsValue::from_str(url))
        .ok()?
        .dyn_into()
        .ok()
}

/// The URL boot.js asked for that starts with `prefix`, if it did (which window of a log it
/// chose: the app reads it back rather than repeat boot.js's rule).
pub fn asked(prefix: &str) -> Option<String> {
    hook("asked")?
        .call1(&JsValue::NULL, &JsValue::from_str(prefix))
        .ok()?
        .as_string()
}

/// Waits for an answer taken with [`take`]; `Err` carries the browser's reason when the
/// request itself failed (network, abort).
pub async fn answer(early: Promise) -> Result<Early, String> {
    let value = JsFuture::from(early).await.map_err(|e| {
        e.dyn_ref::<js_sys::Error>()
            .map(|e| format!("{}: {}", e.name(), e.message()))
            .unwrap_or_else(|| "the request failed".to_string())
    })?;
    let field = |name: &str| Reflect::get(&value, &JsValue::from_str(name)).ok();
    Ok(Early {
        status: field("status").and_then(|v| v.as_f64()).unwrap_or(0.0) as u16,
        request_id: field("requestId").and_then(|v| v.as_string()),
        body: field("body")
            .and_then(|v| v.as_string())
            .unwrap_or_default(),
    })
}
