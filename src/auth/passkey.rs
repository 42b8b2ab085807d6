//! Passkeys (WebAuthn Level 3, <https://www.w3.org/TR/webauthn-3/>) as a relying party, on the
//! `webauthn_rp` crate: the relying party's id and origin from `public_url`, the options sent to
//! the browser (as the JSON of `PublicKeyCredentialCreationOptionsJSON` /
//! `PublicKeyCredentialRequestOptionsJSON`), the ceremonies waiting for the browser's answer,
//! and checking that answer. Nothing here touches the database: callers store what
//! [`verify_registration`] returns and give [`verify_assertion`] what they stored.
//!
//! Rules (SPEC.md Part 2, "Accounts"; issue text of the passkey work): user verification is
//! preferred when registering and as a second factor, and required for a sign-in without a
//! password (the passkey is then both factors); attestation is not asked for; the signature
//! counter must grow once an authenticator keeps one (a smaller one means a cloned key, W3C
//! WebAuthn §6.1.1), and every challenge is used once.

mod waiting;

pub use waiting::{Ceremonies, Waiting, owner_of};
use webauthn_rp::bin::{Decode, Encode};
use webauthn_rp::request::auth::{
    AllowedCredentials, AuthenticationVerificationOptions, DiscoverableCredentialRequestOptions,
    NonDiscoverableCredentialRequestOptions, SignatureCounterEnforcement,
};
use webauthn_rp::request::register::{
    CredProtect, PublicKeyCredentialCreationOptions, PublicKeyCredentialUserEntity,
    RegistrationVerificationOptions, UserHandle,
};
use webauthn_rp::request::{
    AsciiDomain, Credentials, PublicKeyCredentialDescriptor, RpId, UserVerificationRequirement,
};
use webauthn_rp::response::register::{CompressedPubKey, DynamicState, StaticState};
use webauthn_rp::response::{AuthTransports, CredentialId, SentChallenge};
use webauthn_rp::{
    AuthenticatedCredential, DiscoverableAuthentication16, DiscoverableAuthenticationServerState,
    NonDiscoverableAuthentication16, NonDiscoverableAuthenticationServerState, Registration,
    RegistrationServerState,
};

/// Length of the user handle, in bytes (random; WebAuthn allows up to 64).
pub const USER_HANDLE_LEN: usize = 16;

/// A public key as stored (webauthn_rp's compressed form).
type StoredKey = CompressedPubKey<[u8; 32], [u8; 32], [u8; 48], Vec<u8>>;

/// The relying party: the portal as browsers see it.
#[derive(Debug, Clone)]
pub struct RelyingParty {
    id: RpId,
    /// The one origin answers are accepted from: `public_url` without its slash.
    origin: String,
}

impl RelyingParty {
    /// The relying party of the portal at `public_url` (an origin such as
    /// `https://portal.bureau.nl`). Its id is the host name: passkeys made on it work on that
    /// host only. A loopback address counts as `localhost` (browsers allow passkeys there for
    /// trying the portal out); any other IP address has no passkeys (WebAuthn needs a domain
    /// name), so `None`.
    pub fn for_public_url(public_url: &str) -> Option<Self> {
        let url = url::Url::parse(public_url).ok()?;
        let host = match url.host()? {
            url::Host::Domain(name) => name.to_ascii_lowercase(),
            url::Host::Ipv4(ip) if ip.is_loopback() => "localhost".to_owned(),
            url::Host::Ipv6(ip) if ip.is_loopback() => "localhost".to_owned(),
            url::Host::Ipv4(_) | url::Host::Ipv6(_) => return None,
        };
        let origin = match url.port() {
            Some(port) => format!("{}://{host}:{port}", url.scheme()),
            None => format!("{}://{host}", url.scheme()),
        };
        let id = RpId::Domain(AsciiDomain::try_from(host).ok()?);
        Some(Self { id, origin })
    }

    /// The relying party id (the host name).
    pub fn id(&self) -> &str {
        self.id.as_ref()
    }

    /// The origin passkeys work on (`https://portal.bureau.nl`), for pages to compare with the
    /// address they are on and to send people to.
    pub fn origin(&self) -> &str {
        &self.origin
    }
}

/// Why a passkey answer was not accepted. The text goes to the audit log, never to the user.
#[derive(Debug, thiserror::Error)]
pub enum PasskeyProblem {
    #[error("the answer is not WebAuthn JSON: {0}")]
    Unreadable(String),
    #[error("no ceremony waits for this challenge (used, expired or never started)")]
    NoCeremony,
    #[error("the ceremony failed: {0}")]
    Ceremony(String),
    #[error("the stored passkey is unreadable: {0}")]
    Stored(String),
    #[error("no passkey with this credential id is registered")]
    Unknown,
}

/// A passkey the registration ceremony accepted, in the encodings to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCredential {
    pub credential_id: Vec<u8>,
    pub static_state: Vec<u8>,
    pub dynamic_state: Vec<u8>,
    pub transports: u8,
}

/// A stored passkey to check an answer against.
#[derive(Debug, Clone, Copy)]
pub struct StoredPasskey<'a> {
    pub credential_id: &'a [u8],
    pub user_handle: &'a [u8],
    pub static_state: &'a [u8],
    pub dynamic_state: &'a [u8],
}

/// A new random user handle.
pub fn new_user_handle() -> Vec<u8> {
    let handle: UserHandle<USER_HANDLE_LEN> = UserHandle::new();
    handle.as_ref().to_vec()
}

fn user_handle(bytes: &[u8]) -> Option<UserHandle<USER_HANDLE_LEN>> {
    let array: [u8; USER_HANDLE_LEN] = bytes.try_into().ok()?;
    UserHandle::decode(array).ok()
}

fn descriptors(credentials: &[(Vec<u8>, u8)]) -> Vec<PublicKeyCredentialDescriptor<Vec<u8>>> {
    credentials
        .iter()
        .filter_map(|(id, transports)| {
            Some(PublicKeyCredentialDescriptor {
                id: CredentialId::decode(id.clone()).ok()?,
                transports: AuthTransports::decode(*transports).ok()?,
            })
        })
        .collect()
}

fn json<T: serde::Serialize>(value: &T) -> Result<String, PasskeyProblem> {
    serde_json::to_string(value).map_err(|e| PasskeyProblem::Ceremony(e.to_string()))
}

/// Starts registering a passkey for the account with `user_handle`: the state to keep and the
/// options for `navigator.credentials.create`. `name` and `display_name` are what the user's
/// device shows beside the passkey; `existing` (credential id, transports) are the account's
/// passkeys, which the device is asked not to make twice.
pub fn registration_options(
    rp: &RelyingParty,
    user_handle_bytes: &[u8],
    name: &str,
    display_name: &str,
    existing: &[(Vec<u8>, u8)],
) -> Result<(RegistrationServerState<USER_HANDLE_LEN>, String), PasskeyProblem> {
    let handle = user_handle(user_handle_bytes)
        .ok_or_else(|| PasskeyProblem::Stored("user handle".to_owned()))?;
    // The crate checks names against RFC 8265/8266; a name it refuses is replaced, never fatal.
    let user = PublicKeyCredentialUserEntity {
        name: name
            .try_into()
            .or_else(|_| "account".try_into())
            .map_err(|e| PasskeyProblem::Ceremony(format!("{e}")))?,
        id: &handle,
        display_name: display_name.try_into().ok(),
    };
    let mut options =
        PublicKeyCredentialCreationOptions::passkey(&rp.id, user, descriptors(existing));
    options.authenticator_selection.user_verification = UserVerificationRequirement::Preferred;
    // credProtect "user verification required" would make verification compulsory.
    options.extensions.cred_protect = CredProtect::None;
    let (server, client) = options
        .start_ceremony()
        .map_err(|e| PasskeyProblem::Ceremony(e.to_string()))?;
    Ok((server, json(&client)?))
}

/// The challenge an answer carries, to find its ceremony.
pub fn registration_challenge(
    answer: &[u8],
) -> Result<(Registration, SentChallenge), PasskeyProblem> {
    let registration = Registration::from_json_relaxed(answer)
        .map_err(|e| PasskeyProblem::Unreadable(e.to_string()))?;
    let challenge = registration
        .challenge_relaxed()
        .map_err(|e| PasskeyProblem::Unreadable(e.to_string()))?;
    Ok((registration, challenge))
}

/// Checks the browser's answer to a registration (origin, challenge, relying party, flags,
/// key) and gives what to store.
pub fn verify_registration(
    rp: &RelyingParty,
    state: RegistrationServerState<USER_HANDLE_LEN>,
    registration: &Registration,
) -> Result<NewCredential, PasskeyProblem> {
    let origins = [rp.origin.as_str()];
    let options = RegistrationVerificationOptions::<&str, &str> {
        allowed_origins: &origins,
        // Browsers add extension results of their own; they change nothing here.
        error_on_unsolicited_extensions: false,
        ..RegistrationVerificationOptions::default()
    };
    let credential = state
        .verify(&rp.id, registration, &options)
        .map_err(|e| PasskeyProblem::Ceremony(e.to_string()))?;
    let static_state = match credential.static_state().encode() {
        Ok(bytes) => bytes,
        Err(never) => match never {},
    };
    let dynamic_state = match credential.dynamic_state().encode() {
        Ok(bytes) => bytes.to_vec(),
        Err(never) => match never {},
    };
    let transports = match credential.transports().encode() {
        Ok(byte) => byte,
        Err(never) => match never {},
    };
    Ok(NewCredential {
        credential_id: credential.id().as_ref().to_vec(),
        static_state,
        dynamic_state,
        transports,
    })
}

/// Starts a sign-in without a username: any passkey of this portal may answer, with user
/// verification (it stands for the password too).
pub fn sign_in_options(
    rp: &RelyingParty,
) -> Result<(DiscoverableAuthenticationServerState, String), PasskeyProblem> {
    let (server, client) = DiscoverableCredentialRequestOptions::passkey(&rp.id)
        .start_ceremony()
        .map_err(|e| PasskeyProblem::Ceremony(e.to_string()))?;
    Ok((server, json(&client)?))
}

/// Starts a second-factor check after the password: one of `credentials` (the account's
/// passkeys: credential id, transports) must answer; user verification preferred.
pub fn second_factor_options(
    rp: &RelyingParty,
    credentials: &[(Vec<u8>, u8)],
) -> Result<(NonDiscoverableAuthenticationServerState, String), PasskeyProblem> {
    let list = descriptors(credentials);
    let mut allowed = AllowedCredentials::with_capacity(list.len());
    for descriptor in list {
        allowed.push(descriptor.into());
    }
    let mut options = NonDiscoverableCredentialRequestOptions::second_factor(&rp.id, allowed)
        .map_err(|e| PasskeyProblem::Ceremony(e.to_string()))?;
    options.options().user_verification = UserVerificationRequirement::Preferred;
    let (server, client) = options
        .start_ceremony()
        .map_err(|e| PasskeyProblem::Ceremony(e.to_string()))?;
    Ok((server, json(&client)?))
}

/// A sign-in answer read: the credential id and user handle to look up, and its challenge.
pub fn read_sign_in(
    answer: &[u8],
) -> Result<(DiscoverableAuthentication16, SentChallenge), PasskeyProblem> {
    let authentication = DiscoverableAuthentication16::from_json_relaxed(answer)
        .map_err(|e| PasskeyProblem::Unreadable(e.to_string()))?;
    let challenge = authentication
        .challenge_relaxed()
        .map_err(|e| PasskeyProblem::Unreadable(e.to_string()))?;
    Ok((authentication, challenge))
}

/// A second-factor answer read, with its challenge.
pub fn read_second_factor(
    answer: &[u8],
) -> Result<(NonDiscoverableAuthentication16, SentChallenge), PasskeyProblem> {
    let authentication = NonDiscoverableAuthentication16::from_json_relaxed(answer)
        .map_err(|e| PasskeyProblem::Unreadable(e.to_string()))?;
    let challenge = authentication
        .challenge_relaxed()
        .map_err(|e| PasskeyProblem::Unreadable(e.to_string()))?;
    Ok((authentication, challenge))
}

/// The credential id a sign-in answer names.
pub fn credential_id_of(authentication: &DiscoverableAuthentication16) -> Vec<u8> {
    authentication.raw_id().as_ref().to_vec()
}

/// The credential id a second-factor answer names.
pub fn second_factor_credential_id(authentication: &NonDiscoverableAuthentication16) -> Vec<u8> {
    authentication.raw_id().as_ref().to_vec()
}

/// Which ceremony an assertion answers.
pub enum Assertion<'a> {
    SignIn(
        DiscoverableAuthenticationServerState,
        &'a DiscoverableAuthentication16,
    ),
    SecondFactor(
        NonDiscoverableAuthenticationServerState,
        &'a NonDiscoverableAuthentication16,
    ),
}

/// Checks an assertion against the stored passkey (origin, challenge, relying party, user
/// verification where required, signature, and a counter that must grow) and gives the new
/// counter state to store, and whether the user was verified.
pub fn verify_assertion(
    rp: &RelyingParty,
    assertion: Assertion<'_>,
    stored: StoredPasskey<'_>,
) -> Result<Vec<u8>, PasskeyProblem> {
    let stored_problem = |what: &str| PasskeyProblem::Stored(what.to_owned());
    let handle = user_handle(stored.user_handle).ok_or_else(|| stored_problem("user handle"))?;
    let id = CredentialId::<&[u8]>::decode(stored.credential_id)
        .map_err(|_| stored_problem("credential id"))?;
    let static_state = StaticState::<StoredKey>::decode(stored.static_state)
        .map_err(|_| stored_problem("public key"))?;
    let dynamic: [u8; 7] = stored
        .dynamic_state
        .try_into()
        .map_err(|_| stored_problem("counter state"))?;
    let dynamic_state =
        DynamicState::decode(dynamic).map_err(|_| stored_problem("counter state"))?;
    let mut credential = AuthenticatedCredential::new(id, &handle, static_state, dynamic_state)
        .map_err(|e| PasskeyProblem::Stored(e.to_string()))?;
    let origins = [rp.origin.as_str()];
    let options = AuthenticationVerificationOptions::<&str, &str> {
        allowed_origins: &origins,
        error_on_unsolicited_extensions: false,
        update_uv: true,
        sig_counter_enforcement: SignatureCounterEnforcement::Fail,
        ..AuthenticationVerificationOptions::default()
    };
    let checked = match assertion {
        Assertion::SignIn(state, answer) => state.verify(&rp.id, answer, &mut credential, &options),
        Assertion::SecondFactor(state, answer) => {
            state.verify(&rp.id, answer, &mut credential, &options)
        }
    };
    checked.map_err(|e| PasskeyProblem::Ceremony(e.to_string()))?;
    match credential.dynamic_state().encode() {
        Ok(bytes) => Ok(bytes.to_vec()),
        Err(never) => match never {},
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_relying_party_is_the_host_of_the_public_address() {
        let rp = RelyingParty::for_public_url("https://portal.bureau.nl").unwrap();
        assert_eq!(rp.id(), "portal.bureau.nl");
        assert_eq!(rp.origin, "https://portal.bureau.nl");
        let rp = RelyingParty::for_public_url("https://Portal.Bureau.nl:8443/").unwrap();
        assert_eq!(rp.id(), "portal.bureau.nl");
        assert_eq!(rp.origin, "https://portal.bureau.nl:8443");
        let rp = RelyingParty::for_public_url("http://127.0.0.1:8080").unwrap();
        assert_eq!(rp.id(), "localhost");
        assert_eq!(rp.origin, "http://localhost:8080");
        assert!(RelyingParty::for_public_url("https://192.0.2.10").is_none());
        assert!(RelyingParty::for_public_url("not a url").is_none());
    }

    #[test]
    fn options_carry_the_relying_party_and_ask_what_the_rules_say() {
        let rp = RelyingParty::for_public_url("https://portal.bureau.nl").unwrap();
        let handle = new_user_handle();
        let (_, create) = registration_options(&rp, &handle, "j.jansen", "Jansen, J", &[]).unwrap();
        let create: serde_json::Value = serde_json::from_str(&create).unwrap();
        assert_eq!(create["rp"]["id"], "portal.bureau.nl");
        assert_eq!(create["user"]["name"], "j.jansen");
        assert_eq!(create["authenticatorSelection"]["residentKey"], "required");
        assert_eq!(
            create["authenticatorSelection"]["userVerification"],
            "preferred"
        );
        assert_eq!(create["attestation"], "none");
        let (_, get) = sign_in_options(&rp).unwrap();
        let get: serde_json::Value = serde_json::from_str(&get).unwrap();
        assert_eq!(get["userVerification"], "required");
        assert_eq!(get["rpId"], "portal.bureau.nl");
        let existing = vec![(vec![7u8; 16], 0u8)];
        let (_, second) = second_factor_options(&rp, &existing).unwrap();
        let second: serde_json::Value = serde_json::from_str(&second).unwrap();
        assert_eq!(second["userVerification"], "preferred");
        assert_eq!(second["allowCredentials"].as_array().unwrap().len(), 1);
        assert!(
            second_factor_options(&rp, &[]).is_err(),
            "no passkey, no options"
        );
    }
}
