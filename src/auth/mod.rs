//! Credentials: password hashing (argon2id, bounded) and policy, random tokens stored hashed,
//! TOTP second factor with recovery codes, and sealing secrets at rest.

pub mod password;
pub mod policy;
pub mod recovery;
pub mod seal;
pub mod token;
pub mod totp;
