//! Dutch and English for the browser pages: which language a visit gets, and the words.
//!
//! Every text lives in one catalog with both languages side by side; an entry without its
//! English (or Dutch) text does not compile, and a test checks that both sides take the same
//! values.

mod catalog;

pub use catalog::Texts;

/// A language the pages are written in. Dutch is the default: the product's users are Dutch
/// employers and employees, and English is there for those who prefer it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Nl,
    En,
}

impl Lang {
    /// The code stored with an account and used in `lang=""`: "nl" or "en".
    pub fn code(self) -> &'static str {
        match self {
            Lang::Nl => "nl",
            Lang::En => "en",
        }
    }

    pub fn parse(code: &str) -> Option<Lang> {
        match code.trim() {
            "nl" => Some(Lang::Nl),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The browser's preference from `Accept-Language`, weighing its q-values; `None` when it
    /// names neither language.
    pub fn from_accept_language(header: &str) -> Option<Lang> {
        accept_language::intersection(header, &["nl", "en"])
            .first()
            .and_then(|code| Lang::parse(code))
    }

    pub fn texts(self) -> &'static Texts {
        match self {
            Lang::Nl => &catalog::NL,
            Lang::En => &catalog::EN,
        }
    }
}

/// What the browser says about a refused value, by the field the service names (its own
/// message is English, for logs and the API); a field without its own text gets the general
/// "check the form" text.
pub fn field_message(t: &Texts, field: &str) -> String {
    match field {
        "username" => t.username_length,
        "email" => t.email_invalid,
        "language" => t.no_such_choice,
        "kind" => t.upload_choose_kind,
        "file" => t.upload_invalid,
        "year" | "jaar" => t.year_wrong_text,
        "page" | "pagina" => t.page_wrong_text,
        "name" => t.colleague_name_needed,
        "colleague" => t.colleague_choose,
        _ => t.form_incomplete_text,
    }
    .to_owned()
}

/// The name of the country with ISO 3166-1 alpha-2 `code` (upper case) in the page's language:
/// the countries where employees of Dutch employers mostly live (the EU, its neighbours, and
/// the largest groups of labour migrants). `None` for other codes, which pages show as sent.
pub fn country_name(t: &Texts, code: &str) -> Option<&'static str> {
    let dutch = std::ptr::eq(t, &catalog::NL);
    COUNTRIES
        .iter()
        .find(|(c, _, _)| *c == code)
        .map(|(_, nl, en)| if dutch { *nl } else { *en })
}

/// Code, Dutch name, English name.
const COUNTRIES: [(&str, &str, &str); 38] = [
    ("NL", "Nederland", "Netherlands"),
    ("BE", "België", "Belgium"),
    ("DE", "Duitsland", "Germany"),
    ("LU", "Luxemburg", "Luxembourg"),
    ("FR", "Frankrijk", "France"),
    ("GB", "Verenigd Koninkrijk", "United Kingdom"),
    ("IE", "Ierland", "Ireland"),
    ("ES", "Spanje", "Spain"),
    ("PT", "Portugal", "Portugal"),
    ("IT", "Italië", "Italy"),
    ("AT", "Oostenrijk", "Austria"),
    ("CH", "Zwitserland", "Switzerland"),
    ("DK", "Denemarken", "Denmark"),
    ("SE", "Zweden", "Sweden"),
    ("NO", "Noorwegen", "Norway"),
    ("FI", "Finland", "Finland"),
    ("PL", "Polen", "Poland"),
    ("CZ", "Tsjechië", "Czechia"),
    ("SK", "Slowakije", "Slovakia"),
    ("HU", "Hongarije", "Hungary"),
    ("RO", "Roemenië", "Romania"),
    ("BG", "Bulgarije", "Bulgaria"),
    ("GR", "Griekenland", "Greece"),
    ("HR", "Kroatië", "Croatia"),
    ("SI", "Slovenië", "Slovenia"),
    ("LT", "Litouwen", "Lithuania"),
    ("LV", "Letland", "Latvia"),
    ("EE", "Estland", "Estonia"),
    ("CY", "Cyprus", "Cyprus"),
    ("MT", "Malta", "Malta"),
    ("UA", "Oekraïne", "Ukraine"),
    ("TR", "Turkije", "Turkey"),
    ("MA", "Marokko", "Morocco"),
    ("SR", "Suriname", "Suriname"),
    ("IN", "India", "India"),
    ("US", "Verenigde Staten", "United States"),
    ("CW", "Curaçao", "Curaçao"),
    ("AW", "Aruba", "Aruba"),
];

/// What the browser says about a value that is someone else's already.
pub fn taken_message(t: &Texts, field: &str) -> String {
    match field {
        "username" => t.username_taken,
        _ => t.taken_text,
    }
    .to_owned()
}

/// What an action on ticked documents did, for the page the user returns to ("2 bestanden
/// gedeeld met Bakkerij De Korenschoof BV."); `with` names whom shares go to, when known.
/// `None` for an action or count that is not one.
pub fn done_message(t: &Texts, action: &str, count: usize, with: Option<&str>) -> Option<String> {
    let files = match count {
        0 => return None,
        1 => t.one_file.to_owned(),
        n => fill(t.files_count, &[&n]),
    };
    if action == "letter" {
        return Some(t.done_letter.to_owned());
    }
    match (action, with) {
        ("share", Some(with)) => return Some(fill(t.done_share_with, &[&files, &with])),
        ("unshare", Some(with)) => return Some(fill(t.done_unshare_with, &[&files, &with])),
        _ => {}
    }
    let template = match action {
        "share" => t.done_share,
        "unshare" => t.done_unshare,
        "upload" => t.done_upload,
        "delete" => t.done_delete,
        "read" => t.done_read,
        "unread" => t.done_unread,
        _ => return None,
    };
    Some(fill(template, &[&files]))
}

/// The message for a page an action returned to, from its `gedaan` and `aantal` query values.
pub fn done_message_of(
    t: &Texts,
    query: &std::collections::HashMap<String, String>,
    with: Option<&str>,
) -> Option<String> {
    let count = query.get("aantal")?.parse().ok()?;
    done_message(t, query.get("gedaan")?, count, with)
}

/// Puts `values` into the `{}` places of a catalog text, in order.
pub fn fill(template: &str, values: &[&dyn std::fmt::Display]) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut values = values.iter();
    let mut parts = template.split("{}");
    if let Some(first) = parts.next() {
        out.push_str(first);
    }
    for part in parts {
        if let Some(value) = values.next() {
            out.push_str(&value.to_string());
        }
        out.push_str(part);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn countries_are_named_in_the_pages_language() {
        assert_eq!(country_name(&catalog::NL, "NL"), Some("Nederland"));
        assert_eq!(country_name(&catalog::EN, "BE"), Some("Belgium"));
        assert_eq!(country_name(&catalog::NL, "ZZ"), None);
        let codes: std::collections::BTreeSet<_> = COUNTRIES.iter().map(|c| c.0).collect();
        assert_eq!(codes.len(), COUNTRIES.len(), "a code twice");
    }

    #[test]
    fn the_browser_preference_decides_between_dutch_and_english() {
        assert_eq!(Lang::from_accept_language("en-GB,en;q=0.9"), Some(Lang::En));
        assert_eq!(
            Lang::from_accept_language("nl-NL,nl;q=0.9,en;q=0.8"),
            Some(Lang::Nl)
        );
        assert_eq!(
            Lang::from_accept_language("de-DE,en;q=0.5,nl;q=0.7"),
            Some(Lang::Nl)
        );
        assert_eq!(Lang::from_accept_language("fr-FR"), None);
        assert_eq!(Lang::from_accept_language(""), None);
    }

    #[test]
    fn values_go_into_their_places() {
        assert_eq!(fill("Ongelezen ({})", &[&3]), "Ongelezen (3)");
        assert_eq!(fill("{} of {}", &[&"a", &"b"]), "a of b");
        assert_eq!(fill("geen", &[]), "geen");
    }

    #[test]
    fn both_languages_have_every_text_with_the_same_places() {
        let nl = Lang::Nl.texts().entries();
        let en = Lang::En.texts().entries();
        assert_eq!(nl.len(), en.len());
        for ((name, dutch), (_, english)) in nl.iter().zip(&en) {
            assert!(!dutch.trim().is_empty(), "{name}: Dutch text is empty");
            assert!(!english.trim().is_empty(), "{name}: English text is empty");
            assert_eq!(
                dutch.matches("{}").count(),
                english.matches("{}").count(),
                "{name}: the languages take a different number of values"
            );
        }
    }
}
