//! Credentials: password hashing (argon2id, bounded) and policy, random tokens stored hashed,
//! TOTP second factor with recovery codes, passkeys (WebAuthn), and sealing secrets at rest.

pub mod passkey;
pub mod password;
pub mod policy;
pub mod recovery;
pub mod seal;
pub mod token;
pub mod totp;
