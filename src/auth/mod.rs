//! Credentials: password hashing (argon2id, bounded), random tokens stored hashed.

pub mod password;
pub mod policy;
pub mod token;
