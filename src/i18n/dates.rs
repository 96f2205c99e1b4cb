//! Dates and times as each language writes them, always in UTC (careid does
//! not know the reader's time zone and says so).

use super::{Arg, Lang, t_with};

/// Unix seconds as a date and time in `lang`: `2026-12-02 14:05 UTC`,
/// `2. Dezember 2026, 14:05 UTC`, `2 ديسمبر 2026، 14:05 UTC`.
pub fn datetime(lang: Lang, seconds: i64) -> String {
    let Ok(at) = time::OffsetDateTime::from_unix_timestamp(seconds) else {
        return seconds.to_string();
    };
    let month = u8::from(at.month());
    let clock = format!("{:02}:{:02}", at.hour(), at.minute());
    t_with(
        lang,
        "datetime",
        &[
            ("year", Arg::Text(at.year().to_string())),
            ("mm", Arg::Text(format!("{month:02}"))),
            ("dd", Arg::Text(format!("{:02}", at.day()))),
            ("day", Arg::Text(at.day().to_string())),
            ("month", Arg::Text(super::t(lang, &format!("month-{month}")))),
            ("time", Arg::Text(clock)),
        ],
    )
}
