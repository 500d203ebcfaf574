use super::*;
use crate::clock::ManualClock;
use crate::model::Scope;
use crate::store::paged;
use chrono::{DateTime, Utc};
use std::sync::Arc;

fn caller(guild: u64, user: u64) -> Caller {
    Caller {
        scope: Scope(guild),
        user_id: user,
        roles: Vec::new(),
        instructor: false,
    }
}

async fn app() -> (App, Arc<ManualClock>) {
    let start: DateTime<Utc> = "2026-03-01T12:00:00Z".parse().expect("instant");
    let clock = Arc::new(ManualClock::new(start));
    let app = App::in_memory(clock.clone()).await.expect("app");
    (app, clock)
}

async fn stored(app: &App) -> i64 {
    let mut conn = app.catalog.pool().acquire().await.expect("conn");
    paged::count(&mut conn).await.expect("count")
}

#[test]
fn every_paged_request_comes_back_the_same_at_another_page() {
    let requests = [
        Request::Search {
            query: "scaling laws: a very long query ".repeat(20),
            tag: Some("llm".into()),
            limit: Some(25),
            page: 0,
        },
        Request::Search {
            query: "attention".into(),
            tag: None,
            limit: None,
            page: 1,
        },
        Request::Tag {
            tag: "Scaling Laws".into(),
            page: 0,
        },
        Request::Tags { page: 0 },
    ];
    for request in requests {
        let row = to_row(&caller(1, 7), &request).expect("pageable");
        let again = to_request(row, 3).expect("a request");
        assert_eq!(Some(again), request.with_page(3));
    }
    assert_eq!(to_row(&caller(1, 7), &Request::Help), None);
}

#[tokio::test]
async fn a_stored_request_is_turned_only_in_its_guild_and_by_its_caller() {
    let (app, _) = app().await;
    let id = remember(&app, &caller(1, 7), &Request::Tags { page: 0 })
        .await
        .expect("stored")
        .expect("an id");
    let elsewhere = turn_page(&app, &caller(2, 7), id, 1).await;
    assert_eq!(elsewhere, Reply::error(EXPIRED));
    let someone_else = turn_page(&app, &caller(1, 8), id, 1).await;
    assert_eq!(someone_else, Reply::error(NOT_YOURS));
    let owner = turn_page(&app, &caller(1, 7), id, 1).await;
    assert_ne!(owner.content.as_deref(), Some(EXPIRED));
    assert_ne!(owner.content.as_deref(), Some(NOT_YOURS));
    assert_eq!(
        remember(&app, &caller(1, 7), &Request::Help)
            .await
            .expect("no error"),
        None
    );
}

#[tokio::test]
async fn requests_older_than_a_week_expire_and_are_pruned_by_the_next_one() {
    let (app, clock) = app().await;
    let old = remember(&app, &caller(1, 7), &Request::Tags { page: 0 })
        .await
        .expect("stored")
        .expect("an id");
    clock.advance(Duration::days(KEPT_FOR_DAYS) - Duration::minutes(1));
    assert_ne!(
        turn_page(&app, &caller(1, 7), old, 1).await,
        Reply::error(EXPIRED),
        "still within the week"
    );
    clock.advance(Duration::minutes(2));
    assert_eq!(
        turn_page(&app, &caller(1, 7), old, 1).await,
        Reply::error(EXPIRED)
    );
    assert_eq!(stored(&app).await, 1, "only pruned when a new one comes");
    let new = remember(&app, &caller(2, 9), &Request::Tags { page: 0 })
        .await
        .expect("stored")
        .expect("an id");
    assert_eq!(stored(&app).await, 1, "the old one is gone");
    assert!(new > old, "ids are never reused");
}
