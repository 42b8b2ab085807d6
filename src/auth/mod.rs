//! Credentials: password hashing (argon2id) and random secrets.

pub mod password;
