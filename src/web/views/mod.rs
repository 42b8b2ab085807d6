//! Pages as pure functions of their view models, rendered with maud. No handler logic here.

mod layout;
mod pages;

pub use layout::Site;
pub use pages::{home, not_found};
