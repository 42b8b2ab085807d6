//! What a Profiel form did, said on Profiel. A form that succeeds answers with a redirect to
//! `/profiel?gedaan=…` (post/redirect/get): reloading the page or going back to it repeats
//! nothing and asks no "send again?", and the notice is drawn in the page's language — one
//! just chosen included.

use std::collections::HashMap;

use warp::reply::Response;

use crate::service::PasskeyLine;
use crate::web::i18n::{Texts, fill};
use crate::web::respond;

/// A change made in Profiel (or from it: a private address confirmed by its link).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum ProfileDone {
    Password,
    Username,
    PrivateEmailSent,
    PrivateEmailRemoved,
    PrivateEmailConfirmed,
    Language,
    NotifyOn,
    NotifyOff,
    ColleagueInvited,
    ColleagueRemoved,
    PayslipDelivery,
    SessionEnded,
    /// Named on the page by the `naam` query value, which must be one of the account's own
    /// passkeys.
    PasskeyAdded,
    PasskeyRemoved,
}

impl ProfileDone {
    const ALL: [Self; 14] = [
        Self::Password,
        Self::Username,
        Self::PrivateEmailSent,
        Self::PrivateEmailRemoved,
        Self::PrivateEmailConfirmed,
        Self::Language,
        Self::NotifyOn,
        Self::NotifyOff,
        Self::ColleagueInvited,
        Self::ColleagueRemoved,
        Self::PayslipDelivery,
        Self::SessionEnded,
        Self::PasskeyAdded,
        Self::PasskeyRemoved,
    ];

    /// Its `gedaan` value.
    fn key(self) -> &'static str {
        match self {
            Self::Password => "wachtwoord",
            Self::Username => "gebruikersnaam",
            Self::PrivateEmailSent => "email-verstuurd",
            Self::PrivateEmailRemoved => "email-verwijderd",
            Self::PrivateEmailConfirmed => "email-bevestigd",
            Self::Language => "taal",
            Self::NotifyOn => "meldingen-aan",
            Self::NotifyOff => "meldingen-uit",
            Self::ColleagueInvited => "collega-uitgenodigd",
            Self::ColleagueRemoved => "collega-verwijderd",
            Self::PayslipDelivery => "loonstrook-keuze",
            Self::SessionEnded => "sessie-afgemeld",
            Self::PasskeyAdded => "passkey-toegevoegd",
            Self::PasskeyRemoved => "passkey-verwijderd",
        }
    }

    /// The notice, with `{}` for a passkey's name where it has one.
    fn text(self, t: &Texts) -> &'static str {
        match self {
            Self::Password => t.password_changed,
            Self::Username => t.username_changed,
            Self::PrivateEmailSent => t.private_email_sent,
            Self::PrivateEmailRemoved => t.private_email_removed,
            Self::PrivateEmailConfirmed => t.private_email_confirmed,
            Self::Language => t.language_saved,
            Self::NotifyOn => t.notify_on,
            Self::NotifyOff => t.notify_off,
            Self::ColleagueInvited => t.colleague_invited,
            Self::ColleagueRemoved => t.colleague_removed,
            Self::PayslipDelivery => t.consent_saved,
            Self::SessionEnded => t.session_ended,
            Self::PasskeyAdded => t.passkey_added,
            Self::PasskeyRemoved => t.passkey_removed,
        }
    }

    /// The answer to the form: 303 to Profiel, which then says this.
    pub(super) fn answer(self) -> Response {
        respond::see_other(&format!("/profiel?gedaan={}", self.key()))
    }
}

/// The answer to adding the passkey named `name`: 303 to Profiel, which then names it.
pub(super) fn passkey_added(name: &str) -> Response {
    let key = ProfileDone::PasskeyAdded.key();
    let name = super::encode_path(name.trim());
    respond::see_other(&format!("/profiel?gedaan={key}&naam={name}"))
}

/// The notice for Profiel's query values, if they name something done. A passkey is named only
/// if `passkeys` (the account's own) has one of that name: the page never repeats text that
/// only its address holds.
pub(super) fn notice(
    t: &Texts,
    query: &HashMap<String, String>,
    passkeys: &[PasskeyLine],
) -> Option<String> {
    let key = query.get("gedaan")?;
    let done = ProfileDone::ALL.into_iter().find(|d| d.key() == key)?;
    if done == ProfileDone::PasskeyAdded {
        let name = query.get("naam")?;
        let own = passkeys.iter().find(|p| &p.name == name)?;
        return Some(fill(done.text(t), &[&own.name]));
    }
    Some(done.text(t).to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_change_has_its_own_key_and_text() {
        let t = crate::web::i18n::Lang::Nl.texts();
        let keys: std::collections::BTreeSet<_> =
            ProfileDone::ALL.iter().map(|d| d.key()).collect();
        assert_eq!(keys.len(), ProfileDone::ALL.len(), "a key twice");
        let texts: std::collections::BTreeSet<_> =
            ProfileDone::ALL.iter().map(|d| d.text(t)).collect();
        assert_eq!(texts.len(), ProfileDone::ALL.len(), "a text twice");
        for done in ProfileDone::ALL {
            let query = HashMap::from([("gedaan".to_owned(), done.key().to_owned())]);
            let said = notice(t, &query, &[]);
            assert_eq!(
                said.is_some(),
                done != ProfileDone::PasskeyAdded,
                "{done:?}"
            );
        }
    }

    #[test]
    fn a_passkey_is_named_only_if_it_is_the_accounts_own() {
        let t = crate::web::i18n::Lang::En.texts();
        let own = PasskeyLine {
            id: crate::domain::PublicId::random(),
            name: "Telefoon & laptop".to_owned(),
            created_at: chrono::Utc::now(),
            last_used_at: None,
        };
        let query = |name: &str| {
            HashMap::from([
                ("gedaan".to_owned(), "passkey-toegevoegd".to_owned()),
                ("naam".to_owned(), name.to_owned()),
            ])
        };
        let said = notice(t, &query("Telefoon & laptop"), std::slice::from_ref(&own));
        assert!(said.is_some_and(|s| s.contains("Telefoon & laptop")));
        assert_eq!(notice(t, &query("Bel de helpdesk op 0900"), &[own]), None);
        let unknown = HashMap::from([("gedaan".to_owned(), "iets".to_owned())]);
        assert_eq!(notice(t, &unknown, &[]), None);
    }
}
