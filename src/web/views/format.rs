//! How pages write times, sizes and ids: dates as dd-mm-yyyy and clock times in Dutch local
//! time (Europe/Amsterdam), whatever the server's own time zone; sizes in B, kB or MB.

use chrono::{DateTime, Datelike, NaiveDate, Timelike, Utc};
use chrono_tz::Europe::Amsterdam;

use crate::domain::{Period, PeriodKind, PublicId, Year};
use crate::web::i18n::{Texts, fill};

/// "maart 2026", "week 12 van 2026", "periode 3 van 2026", "jaar 2026" (or in English).
pub fn period(t: &Texts, year: Year, period: Period) -> String {
    match period.kind() {
        PeriodKind::Month => {
            let month = t
                .month_names
                .split(' ')
                .nth(usize::from(period.number().saturating_sub(1)))
                .unwrap_or_default();
            fill(t.period_month, &[&month, &year])
        }
        PeriodKind::FourWeeks => fill(t.period_four_weeks, &[&period.number(), &year]),
        PeriodKind::Week => fill(t.period_week, &[&period.number(), &year]),
        PeriodKind::Year => fill(t.period_year, &[&year]),
    }
}

/// A browser as people name it — "Chrome op Windows 10", "Safari op iPhone" — from its
/// User-Agent header, read with the woothee parser; "onbekende browser" when it names none.
pub fn browser(t: &Texts, user_agent: Option<&str>) -> String {
    // Only what people use as a browser; scripts and crawlers are "unknown" to them.
    let parsed = user_agent
        .filter(|ua| !ua.is_empty())
        .and_then(|ua| woothee::parser::Parser::new().parse(ua))
        .filter(|found| ["pc", "smartphone", "mobilephone", "appliance"].contains(&found.category));
    let known = |value: &str| !value.is_empty() && value != woothee::woothee::VALUE_UNKNOWN;
    match parsed {
        Some(found) if known(found.name) && known(found.os) => {
            fill(t.browser_on, &[&found.name, &found.os])
        }
        Some(found) if known(found.name) => found.name.to_owned(),
        _ => t.browser_unknown.to_owned(),
    }
}

/// "27-11-2026": a calendar date. Written out directly: long tables have hundreds, and a
/// format string is parsed anew for each.
pub fn date(d: NaiveDate) -> String {
    format!("{:02}-{:02}-{:04}", d.day(), d.month(), d.year())
}

/// "27-11-2026 14:05": the local date and time of a moment.
pub fn date_time(at: DateTime<Utc>) -> String {
    let local = at.with_timezone(&Amsterdam);
    format!(
        "{} {:02}:{:02}",
        date(local.date_naive()),
        local.hour(),
        local.minute()
    )
}

/// A file size as people read it.
pub fn size(bytes: u64) -> String {
    match bytes {
        b if b >= 1024 * 1024 => format!("{:.1} MB", b as f64 / (1024.0 * 1024.0)),
        b if b >= 1024 => format!("{} kB", b / 1024),
        b => format!("{b} B"),
    }
}

/// Ids go into a link or form on every row of a table. They are hex digits only, so they are
/// written straight into the page rather than through the escaping `Display` would get.
impl maud::Render for PublicId {
    fn render_to(&self, buffer: &mut String) {
        let text = self.hex();
        buffer.push_str(std::str::from_utf8(&text).unwrap_or_default());
    }
}

/// Text for a page that has many rows: escaped in runs (one copy per stretch without `&`, `<`,
/// `>` or `"`, which for names and addresses is the whole text) instead of byte by byte as
/// maud does for a plain `&str`. Same output.
pub struct Text<'a>(pub &'a str);

impl maud::Render for Text<'_> {
    fn render_to(&self, buffer: &mut String) {
        let mut rest = self.0;
        while let Some(at) = rest
            .bytes()
            .position(|b| matches!(b, b'&' | b'<' | b'>' | b'"'))
        {
            buffer.push_str(&rest[..at]);
            buffer.push_str(match rest.as_bytes()[at] {
                b'&' => "&amp;",
                b'<' => "&lt;",
                b'>' => "&gt;",
                _ => "&quot;",
            });
            rest = &rest[at + 1..];
        }
        buffer.push_str(rest);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .map(|t| t.with_timezone(&Utc))
            .unwrap()
    }

    #[test]
    fn moments_are_shown_in_dutch_local_time() {
        // Late evening UTC is already the next day in Amsterdam (winter: +1, summer: +2).
        assert_eq!(date_time(at("2026-01-31T23:30:00Z")), "01-02-2026 00:30");
        assert_eq!(date_time(at("2026-07-01T10:00:00Z")), "01-07-2026 12:00");
        assert_eq!(
            date(NaiveDate::from_ymd_opt(987, 3, 5).unwrap()),
            "05-03-0987"
        );
    }

    #[test]
    fn periods_read_in_both_languages() {
        use crate::web::i18n::Lang;
        let year = Year::new(2026).unwrap();
        let march = Period::new(PeriodKind::Month, 3).unwrap();
        assert_eq!(period(Lang::Nl.texts(), year, march), "maart 2026");
        assert_eq!(period(Lang::En.texts(), year, march), "March 2026");
        let december = Period::new(PeriodKind::Month, 12).unwrap();
        assert_eq!(period(Lang::Nl.texts(), year, december), "december 2026");
        let week = Period::new(PeriodKind::Week, 12).unwrap();
        assert_eq!(period(Lang::En.texts(), year, week), "week 12 of 2026");
        assert_eq!(
            period(Lang::Nl.texts(), year, Period::whole_year()),
            "jaar 2026"
        );
    }

    #[test]
    fn ids_are_written_as_their_hex_digits() {
        let id = PublicId::random();
        let page = maud::html! { a href={ "/documenten/" (id) } { (id) } }.into_string();
        assert_eq!(page, format!("<a href=\"/documenten/{id}\">{id}</a>"));
        assert_eq!(id.to_string().len(), 32);
    }

    #[test]
    fn text_is_escaped_as_maud_escapes_it() {
        for text in [
            "",
            "Bakker, N",
            "<script>\"&amp;\"</script>",
            "a&b<c>d\"e'f",
            "&&",
            "Ünal & Zoon <BV>",
        ] {
            let ours = maud::html! { td title=(Text(text)) { (Text(text)) } }.into_string();
            let maud = maud::html! { td title=(text) { (text) } }.into_string();
            assert_eq!(ours, maud, "{text}");
        }
    }

    #[test]
    fn sizes_read_naturally() {
        assert_eq!(size(512), "512 B");
        assert_eq!(size(2048), "2 kB");
        assert_eq!(size(3 * 1024 * 1024 + 512 * 1024), "3.5 MB");
    }
}

#[cfg(test)]
mod browser_tests {
    use super::*;

    #[test]
    fn browsers_are_named_as_people_know_them() {
        let t = crate::web::i18n::Lang::Nl.texts();
        assert_eq!(
            browser(
                t,
                Some(
                    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) \
                     Chrome/131.0.0.0 Safari/537.36"
                )
            ),
            "Chrome op Windows 10"
        );
        assert_eq!(
            browser(
                t,
                Some(
                    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 \
                     (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
                )
            ),
            "Safari op iPhone"
        );
        assert_eq!(browser(t, Some("curl/8.5.0")), "onbekende browser");
        assert_eq!(browser(t, None), "onbekende browser");
    }
}
