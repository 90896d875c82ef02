//! Backoff per host: a 429 or a 5xx slows every request to that host, not only the one that got it.
//!
//! As regclient does (regclient/regclient, internal/reghttp/http.go, `Resp.next` with `backoffSet`
//! and `backoffClear`): each host has a time before which no request is sent to it. A 429 or 5xx
//! moves it to what the server asked with `Retry-After` or, without one, by an exponential step
//! that grows with the host's consecutive failures; an ordinary answer resets the growth. Requests
//! already in flight when a failure is recorded bring old news: their failures do not grow the step
//! (a burst of 32 answers to one overload is one failure, not 32) and their answers do not reset it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use super::retry::RetryPolicy;

/// The backoff state of every host contacted, by `host[:port]`.
#[derive(Default)]
pub struct Hosts {
    by_name: Mutex<HashMap<String, Arc<HostBackoff>>>,
}

impl Hosts {
    /// The state of `host` (`host[:port]`), shared by every request to it: registry, token realm
    /// and either scheme.
    pub fn get(&self, host: &str) -> Arc<HostBackoff> {
        let mut by_name = self.by_name.lock().unwrap_or_else(PoisonError::into_inner);
        by_name
            .entry(host.to_owned())
            .or_insert_with(|| {
                Arc::new(HostBackoff {
                    name: host.to_owned(),
                    state: Mutex::default(),
                })
            })
            .clone()
    }
}

pub struct HostBackoff {
    name: String,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    /// Consecutive failures, each seen by a request sent after the one before was recorded.
    failures: u32,
    /// Bumped by each counted failure: a request's [`Ticket`] tells whether it was sent knowing it.
    generation: u64,
    /// No request goes to the host before this.
    until: Option<Instant>,
    /// The `Retry-After` behind `until`, when a server asked for it.
    asked: Option<Asked>,
    /// A `Retry-After` wait was reported for this host (once per run, not once per request).
    reported: bool,
}

/// A `Retry-After` as the server asked it and as granted (capped).
#[derive(Clone, Copy, Debug)]
pub struct Asked {
    pub asked: Duration,
    pub granted: Duration,
}

/// What a request knew of its host when it was sent.
pub struct Ticket {
    generation: u64,
}

/// Why a request may not be sent yet.
pub struct Pause {
    pub until: Instant,
    pub asked: Option<Asked>,
}

impl HostBackoff {
    /// `host[:port]`, for messages.
    pub fn name(&self) -> &str {
        &self.name
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// A ticket to send a request now, or how long the host is slowed.
    pub fn ticket(&self) -> Result<Ticket, Pause> {
        let state = self.state();
        match state.until {
            Some(until) if until > Instant::now() => Err(Pause {
                until,
                asked: state.asked,
            }),
            _ => Ok(Ticket {
                generation: state.generation,
            }),
        }
    }

    /// A 429 or 5xx to the request sent with `ticket`: the host waits what the server asked, or
    /// the next step of `policy`'s backoff when this failure is news.
    pub fn failed(&self, ticket: Ticket, policy: &RetryPolicy, retry_after: Option<Duration>) {
        let mut state = self.state();
        let news = ticket.generation == state.generation;
        if news {
            state.failures = state.failures.saturating_add(1);
            state.generation += 1;
        } else if retry_after.is_none() {
            return;
        }
        let wait = policy.delay(state.failures.saturating_sub(1), retry_after);
        let Some(until) = Instant::now().checked_add(wait) else {
            return;
        };
        if state.until.is_none_or(|current| current < until) {
            state.until = Some(until);
            state.asked = retry_after.map(|asked| Asked {
                asked,
                granted: wait,
            });
        }
        if retry_after.is_some() && wait >= Duration::from_secs(1) && !state.reported {
            state.reported = true;
            tracing::warn!(
                "{} is limiting requests: its requests wait {} s (Retry-After)",
                self.name,
                wait.as_secs()
            );
        }
    }

    /// An ordinary answer to the request sent with `ticket`: the host's backoff starts over at its
    /// first step, unless a failure was recorded after the request was sent.
    pub fn answered(&self, ticket: Ticket) {
        let mut state = self.state();
        if ticket.generation == state.generation {
            state.failures = 0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> RetryPolicy {
        RetryPolicy {
            base: Duration::from_secs(10),
            max_backoff: Duration::from_secs(1000),
            ..RetryPolicy::default()
        }
    }

    fn paused_for(host: &HostBackoff) -> Duration {
        match host.ticket() {
            Err(pause) => pause.until.saturating_duration_since(Instant::now()),
            Ok(_) => Duration::ZERO,
        }
    }

    #[test]
    fn failures_grow_the_step_once_each_and_an_answer_resets_it() {
        let hosts = Hosts::default();
        let host = hosts.get("a:5000");
        let (first, stale) = (host.ticket(), host.ticket());
        let (Ok(first), Ok(stale)) = (first, stale) else {
            panic!("a fresh host is not slowed");
        };
        host.failed(first, &policy(), None);
        let step = paused_for(&host);
        assert!(step > Duration::from_secs(4) && step <= Duration::from_secs(10));
        // Sent before the failure was known: neither grows the step nor resets it.
        host.failed(stale, &policy(), None);
        assert!(paused_for(&host) <= step);
        assert!(
            hosts.get("b:5000").ticket().is_ok(),
            "other hosts unaffected"
        );
        // Sent knowing the failure (as if after the pause): the step doubles.
        let next = Ticket { generation: 1 };
        host.failed(next, &policy(), None);
        assert!(paused_for(&host) > Duration::from_secs(9));
        assert_eq!(host.state().failures, 2);
        host.answered(Ticket { generation: 0 });
        assert_eq!(host.state().failures, 2, "old news resets nothing");
        host.answered(Ticket { generation: 2 });
        assert_eq!(host.state().failures, 0);
    }

    #[test]
    fn retry_after_is_honoured_even_from_old_news() {
        let host = Hosts::default().get("a");
        let Ok(stale) = host.ticket() else {
            panic!("a fresh host is not slowed");
        };
        host.failed(Ticket { generation: 0 }, &policy(), None);
        host.failed(stale, &policy(), Some(Duration::from_secs(30)));
        let Err(pause) = host.ticket() else {
            panic!("slowed");
        };
        assert!(pause.until > Instant::now() + Duration::from_secs(25));
        assert_eq!(
            pause.asked.map(|a| a.granted),
            Some(Duration::from_secs(30))
        );
    }
}
