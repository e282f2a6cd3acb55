//! Who the browser is to a Buildbot master: its front-end config (`<base>config`, outside the
//! data API, so readable before login) names the auth method and the session's user
//! (`{"anonymous": true}`, or a username with email and groups). Login itself is Buildbot's
//! own: `<base>auth/login` with HTTP Basic credentials for `UserPasswordAuth` / `HTPasswdAuth`
//! (it sets the session cookie and redirects), a redirect to the provider for OAuth2.

use crate::json::{self, DecodeError, Obj};

/// How the master authenticates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthKind {
    /// `NoAuth`: everyone is anonymous, and may do what `authz` allows anonymous users.
    None,
    /// A username and password, sent to `auth/login` as HTTP Basic credentials.
    Password,
    /// A sign-in page of the master's own (OAuth2, remote user...): the user goes there.
    Redirect(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub anonymous: bool,
    pub username: Option<String>,
    pub full_name: Option<String>,
    pub email: Option<String>,
    pub groups: Vec<String>,
}

impl User {
    /// The name to show: full name, else username, else email.
    pub fn display_name(&self) -> Option<String> {
        [&self.full_name, &self.username, &self.email]
            .into_iter()
            .flatten()
            .find(|n| !n.trim().is_empty())
            .cloned()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub auth: AuthKind,
    pub user: User,
}

impl Session {
    /// Whether signing in is possible and not done yet.
    pub fn can_sign_in(&self) -> bool {
        self.auth != AuthKind::None && self.user.anonymous
    }
}

/// The `Authorization` header of a password sign-in (HTTP Basic: base64 of `user:password`,
/// UTF-8). It goes in a header of the one sign-in request, never in a URL or storage.
pub fn basic_authorization(user: &str, password: &str) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let bytes = format!("{user}:{password}").into_bytes();
    let mut out = String::with_capacity(6 + bytes.len().div_ceil(3) * 4);
    out.push_str("Basic ");
    for chunk in bytes.chunks(3) {
        let n = (u32::from(chunk[0]) << 16)
            | (u32::from(*chunk.get(1).unwrap_or(&0)) << 8)
            | u32::from(*chunk.get(2).unwrap_or(&0));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Reads `<base>config`. Unknown auth methods that take no password are `Redirect`.
pub fn decode_session(body: &str) -> Result<Session, DecodeError> {
    let what = "Buildbot config";
    let v = json::parse(what, body)?;
    let root = Obj::new(what, &v)?;
    let auth_name = match root.opt_obj("auth")? {
        Some(a) => a.opt_str("name")?.unwrap_or_default(),
        None => String::new(),
    };
    let auth = match auth_name.as_str() {
        "" | "NoAuth" => AuthKind::None,
        "UserPasswordAuth" | "HTPasswdAuth" | "CustomAuth" => AuthKind::Password,
        other => AuthKind::Redirect(other.to_string()),
    };
    let user = match root.opt_obj("user")? {
        None => User {
            anonymous: true,
            username: None,
            full_name: None,
            email: None,
            groups: Vec::new(),
        },
        Some(u) => {
            let username = u.opt_str("username")?;
            User {
                anonymous: u.opt_bool("anonymous")?.unwrap_or(username.is_none()),
                full_name: u.opt_str("full_name")?,
                email: u.opt_str("email")?,
                groups: u
                    .list("groups")?
                    .iter()
                    .filter_map(|g| g.as_str().map(str::to_string))
                    .collect(),
                username,
            }
        }
    };
    Ok(Session { auth, user })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_credentials_are_base64_of_user_colon_password() {
        assert_eq!(
            basic_authorization("admin", "admin-pass"),
            "Basic YWRtaW46YWRtaW4tcGFzcw=="
        );
        assert_eq!(basic_authorization("a", "b"), "Basic YTpi");
        assert_eq!(basic_authorization("ab", "c"), "Basic YWI6Yw==");
        assert_eq!(basic_authorization("jö", "π"), "Basic asO2Os+A");
    }

    #[test]
    fn a_master_without_auth_is_anonymous_and_offers_no_sign_in() {
        let s =
            decode_session(r#"{"user":{"anonymous":true},"auth":{"name":"NoAuth"},"title":"x"}"#)
                .unwrap();
        assert_eq!(s.auth, AuthKind::None);
        assert!(s.user.anonymous);
        assert!(!s.can_sign_in());
    }

    #[test]
    fn password_masters_offer_sign_in_until_signed_in() {
        let s = decode_session(r#"{"user":{"anonymous":true},"auth":{"name":"UserPasswordAuth"}}"#)
            .unwrap();
        assert!(s.can_sign_in());
        let s = decode_session(
            r#"{"user":{"username":"admin","email":"admin","groups":["ops",3]},"auth":{"name":"UserPasswordAuth"}}"#,
        )
        .unwrap();
        assert!(!s.user.anonymous);
        assert!(!s.can_sign_in());
        assert_eq!(s.user.display_name().as_deref(), Some("admin"));
        assert_eq!(s.user.groups, ["ops"]);
        let s = decode_session(r#"{"auth":{"name":"GitHubAuth"}}"#).unwrap();
        assert_eq!(s.auth, AuthKind::Redirect("GitHubAuth".into()));
        assert!(s.can_sign_in());
        assert!(decode_session("<html>").is_err());
        assert!(decode_session(r#"{"user": 3}"#).is_err());
    }
}
