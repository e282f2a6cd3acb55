//! Buildbot websocket client: subscribes with `startConsuming`, pings to keep the connection
//! alive, reconnects with backoff and resubscribes, and tells the view when it reconnected so
//! it can resync what it missed over REST.

use buildscope_core::buildbot::ws::{decode_frame, reconnect_delay_ms, Command, Frame};
use gloo_timers::callback::{Interval, Timeout};
use std::cell::RefCell;
use std::rc::{Rc, Weak};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{CloseEvent, MessageEvent, WebSocket};

const PING_EVERY_MS: u32 = 30_000;

/// Connection state, for a "live" indicator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WsState {
    Connecting,
    Open,
    /// Open again after a drop: events may have been missed.
    Reopened,
    Closed,
}

/// The websocket URL for a source base URL (`/buildbot/` or `http(s)://host/path/`).
pub fn ws_url(base: &str) -> Option<String> {
    let url = if base.starts_with('/') {
        let loc = web_sys::window()?.location();
        let scheme = if loc.protocol().ok()? == "https:" {
            "wss"
        } else {
            "ws"
        };
        format!("{scheme}://{}{base}ws", loc.host().ok()?)
    } else if let Some(rest) = base.strip_prefix("https://") {
        format!("wss://{rest}ws")
    } else if let Some(rest) = base.strip_prefix("http://") {
        format!("ws://{rest}ws")
    } else {
        return None;
    };
    Some(url)
}

type Handler = Rc<dyn Fn(Frame)>;
type StateHandler = Rc<dyn Fn(WsState)>;

struct Inner {
    url: String,
    paths: Vec<String>,
    on_frame: Handler,
    on_state: StateHandler,
    socket: Option<WebSocket>,
    attempt: u32,
    ever_open: bool,
    next_id: u64,
    stopped: bool,
    reconnect: Option<Timeout>,
    ping: Option<Interval>,
    // Closures must outlive the socket's callbacks.
    callbacks: Vec<Closure<dyn FnMut(JsValue)>>,
}

/// A live subscription; dropping it closes the socket and stops reconnecting.
pub struct LiveFeed {
    inner: Rc<RefCell<Inner>>,
}

impl LiveFeed {
    pub fn connect(
        url: String,
        paths: Vec<String>,
        on_frame: impl Fn(Frame) + 'static,
        on_state: impl Fn(WsState) + 'static,
    ) -> LiveFeed {
        let inner = Rc::new(RefCell::new(Inner {
            url,
            paths,
            on_frame: Rc::new(on_frame),
            on_state: Rc::new(on_state),
            socket: None,
            attempt: 0,
            ever_open: false,
            next_id: 1,
            stopped: false,
            reconnect: None,
            ping: None,
            callbacks: Vec::new(),
        }));
        open(&inner);
        LiveFeed { inner }
    }
}

impl Drop for LiveFeed {
    fn drop(&mut self) {
        let mut i = self.inner.borrow_mut();
        // Tell the master we are done before closing, as its protocol expects.
        let open = i
            .socket
            .as_ref()
            .is_some_and(|s| s.ready_state() == WebSocket::OPEN);
        if open {
            let paths = i.paths.clone();
            for path in paths {
                send(&mut i, |id| Command::StopConsuming { path, id });
            }
        }
        i.stopped = true;
        i.reconnect = None;
        i.ping = None;
        if let Some(s) = i.socket.take() {
            s.set_onopen(None);
            s.set_onmessage(None);
            s.set_onclose(None);
            s.set_onerror(None);
            let _ = s.close();
        }
        i.callbacks.clear();
    }
}

fn send(inner: &mut Inner, cmd: impl FnOnce(u64) -> Command) {
    let id = inner.next_id;
    inner.next_id += 1;
    if let Some(s) = &inner.socket {
        let _ = s.send_with_str(&cmd(id).to_json());
    }
}

fn open(inner: &Rc<RefCell<Inner>>) {
    let state_cb = inner.borrow().on_state.clone();
    state_cb(WsState::Connecting);
    let url = inner.borrow().url.clone();
    let socket = match WebSocket::new(&url) {
        Ok(s) => s,
        Err(_) => return schedule_reconnect(inner),
    };
    let weak = Rc::downgrade(inner);
    let on_open = Closure::<dyn FnMut(JsValue)>::new({
        let weak = weak.clone();
        move |_| with(&weak, on_open)
    });
    let on_message = Closure::<dyn FnMut(JsValue)>::new({
        let weak = weak.clone();
        move |ev: JsValue| {
            let Some(text) = ev
                .dyn_ref::<MessageEvent>()
                .and_then(|m| m.data().as_string())
            else {
                return;
            };
            let Some(inner) = weak.upgrade() else { return };
            let handler = inner.borrow().on_frame.clone();
            match decode_frame(&text) {
                Ok(frame) => handler(frame),
                // A frame we cannot read is skipped; the periodic REST refresh covers it.
                Err(e) => web_sys::console::warn_1(&format!("buildscope websocket: {e}").into()),
            }
        }
    });
    let on_close = Closure::<dyn FnMut(JsValue)>::new({
        let weak = weak.clone();
        move |ev: JsValue| {
            let _ = ev.dyn_ref::<CloseEvent>();
            with(&weak, |inner| {
                let state_cb = inner.borrow().on_state.clone();
                state_cb(WsState::Closed);
                inner.borrow_mut().ping = None;
                schedule_reconnect(inner);
            })
        }
    });
    socket.set_onopen(Some(on_open.as_ref().unchecked_ref()));
    socket.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    socket.set_onclose(Some(on_close.as_ref().unchecked_ref()));
    let mut i = inner.borrow_mut();
    i.callbacks = vec![on_open, on_message, on_close];
    i.socket = Some(socket);
}

fn with(weak: &Weak<RefCell<Inner>>, f: impl FnOnce(&Rc<RefCell<Inner>>)) {
    if let Some(inner) = weak.upgrade() {
        if !inner.borrow().stopped {
            f(&inner);
        }
    }
}

fn on_open(inner: &Rc<RefCell<Inner>>) {
    let reopened = {
        let mut i = inner.borrow_mut();
        i.attempt = 0;
        let paths = i.paths.clone();
        for path in paths {
            send(&mut i, |id| Command::StartConsuming { path, id });
        }
        let weak = Rc::downgrade(inner);
        i.ping = Some(Interval::new(PING_EVERY_MS, move || {
            with(&weak, |inner| {
                send(&mut inner.borrow_mut(), |id| Command::Ping { id })
            })
        }));
        let reopened = i.ever_open;
        i.ever_open = true;
        reopened
    };
    let state_cb = inner.borrow().on_state.clone();
    state_cb(if reopened {
        WsState::Reopened
    } else {
        WsState::Open
    });
}

fn schedule_reconnect(inner: &Rc<RefCell<Inner>>) {
    let mut i = inner.borrow_mut();
    if i.stopped {
        return;
    }
    if let Some(s) = i.socket.take() {
        s.set_onopen(None);
        s.set_onmessage(None);
        s.set_onclose(None);
    }
    let delay = reconnect_delay_ms(i.attempt);
    i.attempt += 1;
    let weak = Rc::downgrade(inner);
    i.reconnect = Some(Timeout::new(delay, move || with(&weak, open)));
}
