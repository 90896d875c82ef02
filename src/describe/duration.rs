//! Ages as `oc describe` prints them: docker go-units `HumanDuration` of `now - t`.
//!
//! A missing or zero time is Go's zero `time.Time` to oc, and its distance saturates at Go's largest
//! Duration: oc prints "292 years ago" for an image config without `created`. That says nothing, so
//! here an unknown time has no age: the field is left out, as oc's formatMeta leaves out a zero
//! creation time, or reads `<none>`, oc's word for an empty value (oc pkg/helpers/describe/helpers.go).

use jiff::Timestamp;

/// Go's `time.Duration` range: `Sub` clamps to it.
const MAX_NANOS: i128 = i64::MAX as i128;

/// The time a reproducible run pretends it is: `SOURCE_DATE_EPOCH` when set, else the clock.
pub fn now() -> Timestamp {
    std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .and_then(|s| Timestamp::from_second(s).ok())
        .unwrap_or_else(Timestamp::now)
}

/// Go's zero `time.Time`, which a zero metav1.Time or an unset `created` stands for.
const GO_ZERO_TIME: i64 = -62_135_596_800;

/// `HumanDuration(now.Sub(t))` for an RFC 3339 time as written in the file; `None` when it is absent
/// (`""`, `null`), unreadable or Go's zero time.
pub fn age(now: Timestamp, time: &str) -> Option<String> {
    let t = time
        .parse::<Timestamp>()
        .ok()
        .filter(|t| t.as_second() != GO_ZERO_TIME)?;
    let nanos = now.as_nanosecond() - t.as_nanosecond();
    Some(human_duration(nanos.clamp(-MAX_NANOS - 1, MAX_NANOS) as i64))
}

/// `"<age> ago"`, or `<none>` for a time [`age`] cannot tell.
pub fn ago(now: Timestamp, time: &str) -> String {
    age(now, time).map_or_else(|| "<none>".to_owned(), |age| format!("{age} ago"))
}

/// docker/go-units `HumanDuration`: truncated seconds and minutes, rounded hours.
pub fn human_duration(nanos: i64) -> String {
    let seconds = nanos / 1_000_000_000;
    let minutes = seconds / 60;
    let hours_exact = nanos as f64 / 3.6e12;
    let hours = (hours_exact + 0.5) as i64;
    if seconds < 1 {
        "Less than a second".into()
    } else if seconds == 1 {
        "1 second".into()
    } else if seconds < 60 {
        format!("{seconds} seconds")
    } else if minutes == 1 {
        "About a minute".into()
    } else if minutes < 60 {
        format!("{minutes} minutes")
    } else if hours == 1 {
        "About an hour".into()
    } else if hours < 48 {
        format!("{hours} hours")
    } else if hours < 24 * 7 * 2 {
        format!("{} days", hours / 24)
    } else if hours < 24 * 30 * 2 {
        format!("{} weeks", hours / 24 / 7)
    } else if hours < 24 * 365 * 2 {
        format!("{} months", hours / 24 / 30)
    } else {
        format!("{} years", hours_exact as i64 / 24 / 365)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: i64 = 1_000_000_000;

    #[test]
    fn thresholds_follow_go_units() {
        let cases = [
            (-5 * S, "Less than a second"),
            (S / 2, "Less than a second"),
            (S, "1 second"),
            (59 * S, "59 seconds"),
            (60 * S, "About a minute"),
            (119 * S, "About a minute"),
            (120 * S, "2 minutes"),
            (59 * 60 * S + 59 * S, "59 minutes"),
            (60 * 60 * S, "About an hour"),
            // 1.5 h rounds to 2 hours.
            (90 * 60 * S, "2 hours"),
            (47 * 3600 * S, "47 hours"),
            (48 * 3600 * S, "2 days"),
            (14 * 24 * 3600 * S, "2 weeks"),
            (60 * 24 * 3600 * S, "2 months"),
            (2 * 365 * 24 * 3600 * S, "2 years"),
        ];
        for (nanos, want) in cases {
            assert_eq!(human_duration(nanos), want, "{nanos}");
        }
    }

    #[test]
    fn a_missing_or_zero_time_has_no_age() {
        let now: Timestamp = "2026-01-01T00:00:00Z".parse().unwrap();
        for unknown in ["", "null", "garbage", "0001-01-01T00:00:00Z"] {
            assert_eq!(age(now, unknown), None, "{unknown}");
            assert_eq!(ago(now, unknown), "<none>", "{unknown}");
        }
        assert_eq!(age(now, "2025-12-31T23:00:00Z").unwrap(), "About an hour");
        assert_eq!(age(now, "2025-12-31T23:00:00+01:00").unwrap(), "2 hours");
        assert_eq!(ago(now, "1970-01-01T00:00:00Z"), "56 years ago");
        // A real time beyond Go's Duration range is clamped, as oc clamps it.
        assert_eq!(age(now, "0001-01-01T00:00:01Z").unwrap(), "292 years");
    }
}
