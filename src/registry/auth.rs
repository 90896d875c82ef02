//! Registry authentication: the `/v2/` challenge and a bearer-token cache shared by every lookup.
//!
//! A token is cached per scope (`repository:NAME:pull`). Each scope has its own async mutex, held while
//! a token is fetched, so a hundred lookups that start together make one token request and the other
//! ninety-nine wait for its answer (single flight).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

/// What the registry asked for on `GET /v2/`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Challenge {
    Anonymous,
    Basic,
    Bearer {
        realm: String,
        service: Option<String>,
    },
}

/// Parses one `WWW-Authenticate` value. Unknown schemes read as anonymous, as docker's client does.
pub fn parse_challenge(header: &str) -> Challenge {
    let header = header.trim();
    let (scheme, rest) = header.split_once(' ').unwrap_or((header, ""));
    let params = parse_params(rest);
    let param = |key: &str| {
        params
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v.clone())
    };
    if scheme.eq_ignore_ascii_case("basic") {
        Challenge::Basic
    } else if scheme.eq_ignore_ascii_case("bearer") {
        match param("realm") {
            Some(realm) => Challenge::Bearer {
                realm,
                service: param("service"),
            },
            None => Challenge::Anonymous,
        }
    } else {
        Challenge::Anonymous
    }
}

/// `key="value", key=value` pairs; quoted values may hold commas and `\"`.
fn parse_params(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut chars = text.chars().peekable();
    loop {
        while chars.next_if(|c| *c == ',' || c.is_whitespace()).is_some() {}
        let key: String =
            std::iter::from_fn(|| chars.next_if(|c| *c != '=' && *c != ',')).collect();
        if key.is_empty() {
            break;
        }
        if chars.next_if_eq(&'=').is_none() {
            continue;
        }
        let mut value = String::new();
        if chars.next_if_eq(&'"').is_some() {
            while let Some(c) = chars.next() {
                match c {
                    '"' => break,
                    '\\' => value.extend(chars.next()),
                    c => value.push(c),
                }
            }
        } else {
            value.extend(std::iter::from_fn(|| chars.next_if(|c| *c != ',')));
            value = value.trim().to_owned();
        }
        out.push((key.trim().to_owned(), value));
    }
    out
}

/// A bearer token and when it stops being valid.
#[derive(Clone)]
pub struct Token {
    pub value: String,
    pub expires: Instant,
    /// The credentials were refused and this is an anonymous token: a later 401 means the user's
    /// credentials were wrong, which OpenShift words differently.
    pub credentials_rejected: bool,
}

/// The longest a token is kept, whatever the token service says: far longer than any run, and small
/// enough that no `expires_in` can overflow the clock.
const MAX_LIFETIME: Duration = Duration::from_secs(24 * 60 * 60);

impl Token {
    /// `expires_in` defaults to 60 s (the distribution token spec); a few seconds of margin keep a
    /// request from leaving with a token that expires on the way.
    pub fn new(value: String, expires_in: Option<u64>, credentials_rejected: bool) -> Self {
        let lifetime = Duration::from_secs(expires_in.unwrap_or(60).max(1)).min(MAX_LIFETIME);
        let margin = (lifetime / 10).min(Duration::from_secs(5));
        Token {
            value,
            expires: Instant::now() + lifetime - margin,
            credentials_rejected,
        }
    }

    fn fresh(&self) -> bool {
        Instant::now() < self.expires
    }
}

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Token")
            .field("value", &"<redacted>")
            .finish()
    }
}

/// Reads a token service's answer: `token`, or OAuth2's `access_token`, and `expires_in`. `Err` says
/// what is wrong with it, never what it holds.
pub fn parse_token_answer(body: &[u8]) -> Result<Token, &'static str> {
    #[derive(serde::Deserialize)]
    struct Answer {
        #[serde(default)]
        token: Option<String>,
        #[serde(default)]
        access_token: Option<String>,
        #[serde(default)]
        expires_in: Option<u64>,
    }
    let answer: Answer = serde_json::from_slice(body).map_err(|_| "unreadable answer")?;
    let value = answer
        .token
        .or(answer.access_token)
        .filter(|t| !t.is_empty())
        .ok_or("no token in answer")?;
    Ok(Token::new(value, answer.expires_in, false))
}

type Slot = Arc<tokio::sync::Mutex<Option<Token>>>;

/// Tokens of one registry, by scope.
#[derive(Default)]
pub struct TokenCache {
    slots: Mutex<HashMap<String, Slot>>,
}

impl TokenCache {
    fn slot(&self, scope: &str) -> Slot {
        let mut slots = self.slots.lock().unwrap_or_else(PoisonError::into_inner);
        slots.entry(scope.to_owned()).or_default().clone()
    }

    /// The cached token for `scope`, or a new one from `fetch`. `stale` names a token the registry has
    /// just refused: it is replaced even if it has not expired, unless another lookup already did so.
    pub async fn get<E>(
        &self,
        scope: &str,
        stale: Option<&str>,
        fetch: impl AsyncFnOnce() -> Result<Token, E>,
    ) -> Result<Token, E> {
        let slot = self.slot(scope);
        let mut cached = slot.lock().await;
        if let Some(token) = cached.as_ref()
            && token.fresh()
            && stale != Some(token.value.as_str())
        {
            return Ok(token.clone());
        }
        let token = fetch().await?;
        *cached = Some(token.clone());
        Ok(token)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};

    #[test]
    fn challenges() {
        assert_eq!(
            parse_challenge(
                r#"Bearer realm="https://auth.docker.io/token",service="registry.docker.io""#
            ),
            Challenge::Bearer {
                realm: "https://auth.docker.io/token".into(),
                service: Some("registry.docker.io".into())
            }
        );
        assert_eq!(
            parse_challenge(r#"Bearer service="a,b", realm="http://x/t?a=1""#),
            Challenge::Bearer {
                realm: "http://x/t?a=1".into(),
                service: Some("a,b".into())
            }
        );
        assert_eq!(
            parse_challenge(r#"Basic realm="bench-realm""#),
            Challenge::Basic
        );
        assert_eq!(parse_challenge("Bearer"), Challenge::Anonymous);
        assert_eq!(parse_challenge("Negotiate x"), Challenge::Anonymous);
        assert_eq!(
            parse_challenge(r#"Bearer realm="unterminated"#),
            Challenge::Bearer {
                realm: "unterminated".into(),
                service: None
            }
        );
    }

    #[test]
    fn token_answers() {
        let token =
            parse_token_answer(br#"{"access_token":"A","expires_in":18446744073709551615}"#);
        assert!(
            token.is_ok_and(|t| t.value == "A" && t.fresh()),
            "no overflow of the clock"
        );
        assert!(parse_token_answer(br#"{"token":"","access_token":""}"#).is_err());
        assert!(parse_token_answer(b"<html>").is_err());
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn one_fetch_for_concurrent_callers_and_refresh_of_a_stale_token() {
        let cache = Arc::new(TokenCache::default());
        let fetches = Arc::new(AtomicU32::new(0));
        let mut tasks = Vec::new();
        for _ in 0..100 {
            let (cache, fetches) = (cache.clone(), fetches.clone());
            tasks.push(tokio::spawn(async move {
                cache
                    .get("repository:a:pull", None, async || {
                        let n = fetches.fetch_add(1, Ordering::SeqCst);
                        tokio::time::sleep(Duration::from_millis(20)).await;
                        Ok::<_, ()>(Token::new(format!("t{n}"), Some(300), false))
                    })
                    .await
            }));
        }
        for task in tasks {
            assert_eq!(
                task.await.ok().and_then(Result::ok).map(|t| t.value),
                Some("t0".into())
            );
        }
        assert_eq!(fetches.load(Ordering::SeqCst), 1);
        let refreshed = cache
            .get("repository:a:pull", Some("t0"), async || {
                Ok::<_, ()>(Token::new("t1".into(), None, false))
            })
            .await;
        assert_eq!(refreshed.map(|t| t.value), Ok("t1".into()));
        // A second caller that saw t0 refused does not throw away t1.
        let kept = cache
            .get("repository:a:pull", Some("t0"), async || {
                Ok::<_, ()>(Token::new("t2".into(), None, false))
            })
            .await;
        assert_eq!(kept.map(|t| t.value), Ok("t1".into()));
    }
}
