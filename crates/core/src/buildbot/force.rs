//! Force schedulers (`/forceschedulers`, `/builders/{id}/forceschedulers`): the parameters a
//! scheduler defines, and the `force` call's parameters built from what the user typed.
//! Buildbot reads each value by the field's `fullName` (nested groups only arrange fields;
//! their children carry the full names), and a field left out takes its default.

use super::envelope;
use crate::json::{DecodeError, Obj};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq)]
pub struct ForceScheduler {
    pub name: String,
    pub label: String,
    pub button_name: String,
    pub builder_names: Vec<String>,
    pub enabled: bool,
    pub fields: Vec<Field>,
}

/// What a field holds, from Buildbot's parameter `type`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    Text,
    Textarea,
    Int,
    Bool,
    /// A choice among `choices` (`ChoiceStringParameter`; free text too unless `strict`).
    List,
    /// "Name <email>" of who forces; the session's user when left empty.
    Username,
    /// A value shown, never edited.
    Fixed,
    /// A group of fields (codebases, layouts).
    Nested,
    /// A type this dashboard does not know: edited as text.
    Unknown(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub kind: Kind,
    pub name: String,
    /// The key of its value in the `force` call (`None` for groups).
    pub full_name: Option<String>,
    pub label: String,
    pub tooltip: String,
    pub default: Value,
    pub required: bool,
    pub hide: bool,
    pub multiple: bool,
    pub strict: bool,
    pub choices: Vec<String>,
    pub fields: Vec<Field>,
}

fn text_of(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::Array(items) => items.iter().map(text_of).collect::<Vec<_>>().join("\n"),
        other => other.to_string(),
    }
}

fn field(o: Obj<'_>) -> Result<Field, DecodeError> {
    let kind = match o.opt_str("type")?.unwrap_or_default().as_str() {
        "text" | "" => Kind::Text,
        "textarea" => Kind::Textarea,
        "int" => Kind::Int,
        "bool" => Kind::Bool,
        "list" => Kind::List,
        "username" => Kind::Username,
        "fixed" => Kind::Fixed,
        "nested" => Kind::Nested,
        other => Kind::Unknown(other.to_string()),
    };
    let choices = o.list("choices")?.iter().map(text_of).collect::<Vec<_>>();
    let name = o.opt_str("name")?.unwrap_or_default();
    let full_name = o.opt_str("fullName")?.filter(|n| !n.is_empty());
    let fields = if kind == Kind::Nested {
        o.each("fields", field)?
    } else {
        Vec::new()
    };
    Ok(Field {
        full_name: if kind == Kind::Nested {
            None
        } else {
            full_name.or_else(|| Some(name.clone()))
        },
        label: o
            .opt_str("label")?
            .filter(|l| !l.trim().is_empty())
            .unwrap_or_else(|| name.clone()),
        name,
        tooltip: o.opt_str("tooltip")?.unwrap_or_default(),
        default: o.get("default").cloned().unwrap_or(Value::Null),
        required: o.opt_bool("required")?.unwrap_or(false),
        hide: o.opt_bool("hide")?.unwrap_or(false),
        multiple: o.opt_bool("multiple")?.unwrap_or(false),
        strict: o.opt_bool("strict")?.unwrap_or(true),
        choices,
        fields,
        kind,
    })
}

pub fn decode_forceschedulers(body: &str) -> Result<Vec<ForceScheduler>, DecodeError> {
    envelope("Buildbot force schedulers", body, "forceschedulers", |o| {
        let name = o.str("name")?;
        Ok(ForceScheduler {
            label: o.opt_str("label")?.unwrap_or_else(|| name.clone()),
            button_name: o.opt_str("button_name")?.unwrap_or_else(|| "Force".into()),
            builder_names: o.list("builder_names")?.iter().map(text_of).collect(),
            enabled: o.opt_bool("enabled")?.unwrap_or(true),
            fields: o.each("all_fields", field)?,
            name,
        })
    })
}

impl Field {
    /// The text the form starts with.
    pub fn initial(&self) -> String {
        text_of(&self.default)
    }

    /// Whether the user edits it (hidden and fixed fields are sent as they are).
    pub fn editable(&self) -> bool {
        !self.hide && self.kind != Kind::Fixed && self.kind != Kind::Nested
    }
}

/// Every field that carries a value, groups flattened, in display order.
pub fn value_fields(fields: &[Field]) -> Vec<&Field> {
    let mut out = Vec::new();
    for f in fields {
        if f.kind == Kind::Nested {
            out.extend(value_fields(&f.fields));
        } else {
            out.push(f);
        }
    }
    out
}

/// The form's starting values, by full name.
pub fn initial_values(s: &ForceScheduler) -> BTreeMap<String, String> {
    value_fields(&s.fields)
        .into_iter()
        .filter_map(|f| Some((f.full_name.clone()?, f.initial())))
        .collect()
}

/// The `force` call's parameters for `builderid` from the form's `values` (by full name), or
/// each invalid field's full name and what is wrong with it. Empty optional fields are left
/// out, so Buildbot applies its own default; the server still validates everything.
pub fn force_params(
    s: &ForceScheduler,
    builderid: i64,
    values: &BTreeMap<String, String>,
) -> Result<Map<String, Value>, Vec<(String, String)>> {
    let mut params = Map::new();
    let mut problems = Vec::new();
    params.insert("builderid".into(), Value::from(builderid));
    for f in value_fields(&s.fields) {
        let Some(key) = f.full_name.clone() else {
            continue;
        };
        if !f.editable() {
            if !f.default.is_null() {
                params.insert(key, f.default.clone());
            }
            continue;
        }
        let text = values.get(&key).map(String::as_str).unwrap_or("");
        let trimmed = text.trim();
        if trimmed.is_empty() && f.kind != Kind::Bool {
            if f.required {
                problems.push((key, format!("{} is required", f.label)));
            }
            continue;
        }
        let value = match &f.kind {
            Kind::Int => match trimmed.parse::<i64>() {
                Ok(n) => Value::from(n),
                Err(_) => {
                    problems.push((key, format!("{} must be a whole number", f.label)));
                    continue;
                }
            },
            Kind::Bool => Value::Bool(matches!(trimmed, "true" | "on" | "1")),
            Kind::List if f.multiple => Value::Array(
                text.lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .map(|l| Value::String(l.into()))
                    .collect(),
            ),
            Kind::List if f.strict && !f.choices.iter().any(|c| c == trimmed) => {
                problems.push((key, format!("{} must be one of the choices", f.label)));
                continue;
            }
            Kind::Textarea => Value::String(text.to_string()),
            _ => Value::String(trimmed.to_string()),
        };
        params.insert(key, value);
    }
    if problems.is_empty() {
        Ok(params)
    } else {
        Err(problems)
    }
}

/// Whether the scheduler can force `builder` (its `builder_names` are names, not ids).
pub fn offers(s: &ForceScheduler, builder: &str) -> bool {
    s.enabled && s.builder_names.iter().any(|b| b == builder)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testdata::buildbot as fixture;
    use serde_json::json;

    #[test]
    fn a_real_scheduler_decodes_with_its_groups_and_defaults() {
        let s = decode_forceschedulers(&fixture("forcescheduler-force")).unwrap();
        assert_eq!(s.len(), 1);
        let force = &s[0];
        assert_eq!(force.name, "force");
        assert!(offers(force, "long-running"));
        assert!(!offers(force, "nope"));
        let names: Vec<_> = value_fields(&force.fields)
            .iter()
            .filter_map(|f| f.full_name.clone())
            .collect();
        assert_eq!(
            names,
            [
                "username",
                "reason",
                "priority",
                "branch",
                "project",
                "repository",
                "revision",
                "duration",
                "lines"
            ]
        );
        let init = initial_values(force);
        assert_eq!(init["reason"], "force build");
        assert_eq!(init["duration"], "120");
        let p = force_params(force, 7, &init).unwrap();
        assert_eq!(p["builderid"], 7);
        assert_eq!(p["duration"], 120);
        assert_eq!(p["reason"], "force build");
        assert!(
            p.get("branch").is_none(),
            "empty optional fields take the server's default"
        );
    }

    #[test]
    fn values_are_typed_and_checked() {
        let body = json!({"forceschedulers": [{"name": "f", "builder_names": ["b"], "all_fields": [
            {"type": "list", "name": "flavour", "fullName": "flavour", "label": "Flavour",
             "choices": ["debug", "release"], "default": "debug", "strict": true},
            {"type": "text", "name": "note", "fullName": "note", "required": true, "label": "Note"},
            {"type": "bool", "name": "clean", "fullName": "clean", "default": false},
            {"type": "int", "name": "jobs", "fullName": "jobs", "label": "Jobs"},
            {"type": "fixed", "name": "kind", "fullName": "kind", "default": "ci"},
            {"type": "nested", "name": "", "fields": [
                {"type": "list", "name": "tags", "fullName": "tags", "multiple": true, "strict": false}]},
            {"type": "secret", "name": "pw", "fullName": "pw"}
        ]}], "meta": {}})
        .to_string();
        let s = &decode_forceschedulers(&body).unwrap()[0];
        assert_eq!(
            value_fields(&s.fields)[6].kind,
            Kind::Unknown("secret".into())
        );
        let mut v = initial_values(s);
        v.insert("jobs".into(), "four".into());
        v.insert("flavour".into(), "fast".into());
        let problems = force_params(s, 1, &v).unwrap_err();
        assert_eq!(
            problems,
            vec![
                (
                    "flavour".to_string(),
                    "Flavour must be one of the choices".to_string()
                ),
                ("note".into(), "Note is required".into()),
                ("jobs".into(), "Jobs must be a whole number".into()),
            ]
        );
        v.insert("jobs".into(), " 4 ".into());
        v.insert("flavour".into(), "release".into());
        v.insert("note".into(), "<b>hi</b>".into());
        v.insert("clean".into(), "true".into());
        v.insert("tags".into(), "a\n\n b \n".into());
        let p = force_params(s, 1, &v).unwrap();
        assert_eq!(p["jobs"], 4);
        assert_eq!(p["flavour"], "release");
        assert_eq!(p["clean"], true);
        assert_eq!(p["kind"], "ci");
        assert_eq!(p["tags"], json!(["a", "b"]));
        assert_eq!(p["note"], "<b>hi</b>");
    }

    #[test]
    fn odd_shapes_are_named_not_panicked_on() {
        assert!(decode_forceschedulers(r#"{"forceschedulers":[{"label":"x"}]}"#).is_err());
        assert!(
            decode_forceschedulers(r#"{"forceschedulers":[{"name":"f","all_fields":7}]}"#).is_err()
        );
        let s = decode_forceschedulers(
            r#"{"forceschedulers":[{"name":"f","all_fields":[{"type":"int","name":"n","default":"3","label":null}]}]}"#,
        )
        .unwrap();
        assert_eq!(s[0].fields[0].label, "n");
        assert_eq!(s[0].fields[0].initial(), "3");
    }
}
