//! What careid does when the services it sends through are down: queued
//! emails go out once each when SMTP returns, on whichever node claims them;
//! a failing SMS provider hands over to the fallback, which sends once; with
//! both down the person is told and nothing is sent twice. (A back-channel
//! receiver down for an hour: `backchannel_logout.rs`.)

use std::collections::BTreeSet;

use axum::http::StatusCode;
use careid::notify::email::{self, Email};
use serde_json::json;

use crate::kit::sms_fakes::{Seen, fake, twilio, vonage};
use crate::kit::smtp_sink::SmtpSink;
use crate::kit::{Browser, CLINICIAN, MOBILE, PORTAL, TestApp};

const TWILIO_PATH: &str = "/2010-04-01/Accounts/AC123/Messages.json";

fn note(to: &str) -> Email {
    Email {
        to: to.into(),
        subject: format!("For {to}"),
        text: "Plain.".into(),
        html: "<p>Plain.</p>".into(),
        from_name: None,
    }
}

#[tokio::test]
async fn emails_queued_during_an_smtp_outage_go_out_once_each_when_it_returns() {
    let sink = SmtpSink::start().await;
    sink.fail_next_data(3);
    let app = TestApp::spawn_with_sink(&sink).await;
    // On PostgreSQL + Redis a second node sends from the same outbox.
    let second = app.another_node().await;
    let people: Vec<String> = (0..6).map(|i| format!("person{i}@example.org")).collect();
    for person in &people {
        email::queue(&app.state, note(person)).await.unwrap();
    }
    // The outage lasts three refused deliveries; then each backoff passes
    // (up to 30 s of real time for the senders, on a loaded machine).
    for _ in 0..150 {
        if sink.messages().len() >= people.len() {
            break;
        }
        app.clock.advance(5);
        app.state.mail_wakeup.notify_one();
        if let Some(second) = &second {
            second.clock.advance(5);
            second.state.mail_wakeup.notify_one();
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    let delivered = sink.wait_for(people.len()).await;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let recipients: Vec<String> = sink
        .messages()
        .iter()
        .flat_map(|m| m.rcpt_to.clone())
        .map(|to| to.trim_start_matches("TO:<").trim_end_matches('>').to_string())
        .collect();
    assert_eq!(recipients.len(), people.len(), "each once: {recipients:?}");
    assert_eq!(recipients.iter().collect::<BTreeSet<_>>(), people.iter().collect::<BTreeSet<_>>());
    assert_eq!(delivered.len(), people.len());
    let rows = app.outbox_rows().await;
    assert!(rows.iter().all(|r| r.sent_at.is_some() && r.failed_at.is_none()), "every row sent");
    assert_eq!(
        rows.iter().map(|r| r.attempts).sum::<i64>(),
        people.len() as i64 + 3,
        "3 refused, then one each"
    );
}

/// A clinician's sign-in with Twilio answering `primary` and Vonage as the fallback answering `backup`.
async fn sign_in_with_providers(
    primary: StatusCode,
    backup: StatusCode,
) -> (TestApp, Browser, Seen, Seen, String) {
    let (primary_url, primary_seen) =
        fake(TWILIO_PATH, primary, json!({"code": 20503, "message": "down"})).await;
    let answer = if backup == StatusCode::OK {
        json!({"message-count": "1", "messages": [{"status": "0"}]})
    } else {
        json!({"message-count": "1", "messages": [{"status": "1", "error-text": "down"}]})
    };
    let (backup_url, backup_seen) = fake("/sms/json", backup, answer).await;
    let app = TestApp::two_step(|c| {
        c.outbound_allowed_networks = vec!["127.0.0.0/8".parse().unwrap()];
        c.sms.provider = Some(twilio(primary_url));
        c.sms.fallback = Some(vonage(backup_url));
    })
    .await;
    app.add_clinician(CLINICIAN).await;
    let browser = Browser::new(&app);
    let (_, _, page) = app.sign_in(&PORTAL, CLINICIAN).in_browser(&browser).visit().await.page();
    (app, browser, primary_seen, backup_seen, page)
}

#[tokio::test]
async fn with_the_provider_down_the_fallback_sends_the_code_once() {
    let (_app, browser, primary, backup, page) =
        sign_in_with_providers(StatusCode::SERVICE_UNAVAILABLE, StatusCode::OK).await;
    let (status, _, page) = browser.enrol(&page, MOBILE).await.page();
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!(
        (primary.lock().unwrap().len(), backup.lock().unwrap().len()),
        (1, 1),
        "tried once, sent once"
    );
    let text = {
        let seen = backup.lock().unwrap();
        let (_, _, fields) = &seen[0];
        fields.iter().find(|(name, _)| name == "text").unwrap().1.clone()
    };
    let code = crate::kit::sms::code_in(&json!({ "text": text }));
    let params = browser.submit_code(&page, &code).await.params();
    assert!(params.contains_key("code"), "signed in with the fallback's code: {params:?}");
}

#[tokio::test]
async fn with_both_down_the_person_is_told_and_nothing_is_sent_twice() {
    let (_app, browser, primary, backup, page) =
        sign_in_with_providers(StatusCode::SERVICE_UNAVAILABLE, StatusCode::INTERNAL_SERVER_ERROR).await;
    let (status, _, body) = browser.enrol(&page, MOBILE).await.page();
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(body.contains("could not be sent") && body.contains("try again"), "{body}");
    assert_eq!((primary.lock().unwrap().len(), backup.lock().unwrap().len()), (1, 1));
    // Nothing is retried behind the person's back.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!((primary.lock().unwrap().len(), backup.lock().unwrap().len()), (1, 1));
}
