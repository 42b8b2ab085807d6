//! Mail: the messages (Dutch and English, text and HTML) and sending them over SMTP with
//! mail-send and rustls. Which mail goes when is the services' business; this module only
//! renders and delivers.

pub mod messages;
pub mod sender;
mod wording;
pub mod worker;
