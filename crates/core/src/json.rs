//! A small, tolerant accessor layer over `serde_json::Value`.
//!
//! Real build servers send odd shapes: ids as numbers here and strings there, `null` where a
//! field is optional, floats where ints are documented. Decoding through typed getters (rather
//! than `#[derive(Deserialize)]`) lets every failure name the exact field that was wrong, and
//! nothing here can panic on server data.

use serde_json::{Map, Value};
use std::fmt;

/// A decode failure: which response (`what`) and which field, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    pub what: String,
    pub field: String,
    pub problem: String,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.field.is_empty() {
            write!(f, "cannot read {}: {}", self.what, self.problem)
        } else {
            write!(
                f,
                "cannot read {} field `{}`: {}",
                self.what, self.field, self.problem
            )
        }
    }
}

impl std::error::Error for DecodeError {}

/// Parses a body into JSON, naming the response on failure.
pub(crate) fn parse(what: &str, body: &str) -> Result<Value, DecodeError> {
    serde_json::from_str(body).map_err(|e| DecodeError {
        what: what.to_string(),
        field: String::new(),
        problem: format!("malformed JSON ({e})"),
    })
}

/// A view of one JSON object while decoding it; `what` names the response for errors.
#[derive(Clone, Copy)]
pub struct Obj<'a> {
    what: &'a str,
    map: &'a Map<String, Value>,
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

impl<'a> Obj<'a> {
    pub fn new(what: &'a str, v: &'a Value) -> Result<Self, DecodeError> {
        match v {
            Value::Object(map) => Ok(Obj { what, map }),
            other => Err(DecodeError {
                what: what.to_string(),
                field: String::new(),
                problem: format!("expected an object, got {}", kind(other)),
            }),
        }
    }

    pub(crate) fn what(&self) -> &'a str {
        self.what
    }

    fn err(&self, field: &str, problem: String) -> DecodeError {
        DecodeError {
            what: self.what.to_string(),
            field: field.to_string(),
            problem,
        }
    }

    /// The raw value, `None` when missing or null.
    pub(crate) fn get(&self, field: &str) -> Option<&'a Value> {
        self.map.get(field).filter(|v| !v.is_null())
    }

    /// An integer that may arrive as a number (int or integral float) or a numeric string.
    pub(crate) fn opt_i64(&self, field: &str) -> Result<Option<i64>, DecodeError> {
        match self.get(field) {
            None => Ok(None),
            Some(v) => as_i64(v)
                .map(Some)
                .ok_or_else(|| self.err(field, format!("expected an integer, got {}", kind(v)))),
        }
    }

    pub(crate) fn i64(&self, field: &str) -> Result<i64, DecodeError> {
        self.opt_i64(field)?
            .ok_or_else(|| self.err(field, "missing".to_string()))
    }

    /// A number that may be int, float or numeric string (timestamps, durations).
    pub(crate) fn opt_f64(&self, field: &str) -> Result<Option<f64>, DecodeError> {
        match self.get(field) {
            None => Ok(None),
            Some(Value::Number(n)) => Ok(n.as_f64()),
            Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
            Some(Value::String(s)) => s
                .trim()
                .parse::<f64>()
                .map(Some)
                .map_err(|_| self.err(field, format!("expected a number, got {s:?}"))),
            Some(v) => Err(self.err(field, format!("expected a number, got {}", kind(v)))),
        }
    }

    /// Text; numbers and booleans are accepted and rendered as text, null/missing is `None`.
    pub(crate) fn opt_str(&self, field: &str) -> Result<Option<String>, DecodeError> {
        match self.get(field) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(Value::Number(n)) => Ok(Some(n.to_string())),
            Some(Value::Bool(b)) => Ok(Some(b.to_string())),
            Some(v) => Err(self.err(field, format!("expected text, got {}", kind(v)))),
        }
    }

    pub(crate) fn str(&self, field: &str) -> Result<String, DecodeError> {
        self.opt_str(field)?
            .ok_or_else(|| self.err(field, "missing".to_string()))
    }

    /// A boolean; accepts 0/1 and "true"/"false" as sent by some servers.
    pub(crate) fn opt_bool(&self, field: &str) -> Result<Option<bool>, DecodeError> {
        match self.get(field) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(Value::Number(n)) => Ok(Some(n.as_f64().unwrap_or(0.0) != 0.0)),
            Some(Value::String(s)) => match s.to_ascii_lowercase().as_str() {
                "true" | "1" | "yes" => Ok(Some(true)),
                "false" | "0" | "no" | "" => Ok(Some(false)),
                _ => Err(self.err(field, format!("expected a boolean, got {s:?}"))),
            },
            Some(v) => Err(self.err(field, format!("expected a boolean, got {}", kind(v)))),
        }
    }

    /// A list (missing or null is empty).
    pub(crate) fn list(&self, field: &str) -> Result<&'a [Value], DecodeError> {
        match self.get(field) {
            None => Ok(&[]),
            Some(Value::Array(a)) => Ok(a.as_slice()),
            Some(v) => Err(self.err(field, format!("expected a list, got {}", kind(v)))),
        }
    }

    /// A nested object, `None` when missing or null.
    pub(crate) fn opt_obj(&self, field: &str) -> Result<Option<Obj<'a>>, DecodeError> {
        match self.get(field) {
            None => Ok(None),
            Some(v @ Value::Object(_)) => Obj::new(self.what, v).map(Some),
            Some(v) => Err(self.err(field, format!("expected an object, got {}", kind(v)))),
        }
    }

    /// Decodes each element of a list field with `f`, naming `field[i]` on failure.
    pub(crate) fn each<T>(
        &self,
        field: &str,
        f: impl Fn(Obj<'a>) -> Result<T, DecodeError>,
    ) -> Result<Vec<T>, DecodeError> {
        self.list(field)?
            .iter()
            .enumerate()
            .map(|(i, v)| {
                let o = Obj::new(self.what, v)
                    .map_err(|e| self.err(&format!("{field}[{i}]"), e.problem))?;
                f(o).map_err(|mut e| {
                    e.field = if e.field.is_empty() {
                        format!("{field}[{i}]")
                    } else {
                        format!("{field}[{i}].{}", e.field)
                    };
                    e
                })
            })
            .collect()
    }

    pub(crate) fn entries(&self) -> impl Iterator<Item = (&'a String, &'a Value)> {
        self.map.iter()
    }
}

/// Integer view of a JSON value: ints, integral floats and numeric strings.
pub(crate) fn as_i64(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64().or_else(|| {
            n.as_f64()
                .filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15)
                .map(|f| f as i64)
        }),
        Value::String(s) => {
            let t = s.trim();
            t.parse::<i64>().ok().or_else(|| {
                t.parse::<f64>()
                    .ok()
                    .filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15)
                    .map(|f| f as i64)
            })
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn ints_arrive_in_many_shapes() {
        let v = json!({"a": 3, "b": "4", "c": 5.0, "d": null, "e": "x", "f": 1.5});
        let o = Obj::new("t", &v).unwrap();
        assert_eq!(o.i64("a").unwrap(), 3);
        assert_eq!(o.i64("b").unwrap(), 4);
        assert_eq!(o.i64("c").unwrap(), 5);
        assert_eq!(o.opt_i64("d").unwrap(), None);
        assert_eq!(o.opt_i64("missing").unwrap(), None);
        let e = o.i64("e").unwrap_err();
        assert_eq!(e.field, "e");
        assert!(e.to_string().contains("cannot read t field `e`"), "{e}");
        assert!(o.opt_i64("f").is_err());
    }

    #[test]
    fn list_errors_name_the_element() {
        let v = json!({"items": [{"n": 1}, {"n": "bad"}]});
        let o = Obj::new("things", &v).unwrap();
        let e = o.each("items", |x| x.i64("n")).unwrap_err();
        assert_eq!(e.field, "items[1].n");
    }

    #[test]
    fn malformed_json_is_an_error_not_a_panic() {
        let e = parse("builders", "{\"builders\": [").unwrap_err();
        assert!(
            e.to_string()
                .starts_with("cannot read builders: malformed JSON"),
            "{e}"
        );
        assert!(Obj::new("x", &json!([1])).is_err());
    }
}
