//! Test support shared by the Discord end-to-end tests and the Discord benchmark: a fake
//! Discord (REST and gateway), the payloads it sends, a bot wired to it, and Discord's
//! limits as assertions.
#![allow(dead_code)]

pub mod bot;
pub mod fake_discord;
mod gateway;
pub mod interactions;
pub mod limits;
pub mod payloads;
mod rest;
