use super::*;
use crate::clock::Clock;
use crate::ephemeral::MemoryStore;

#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct Note {
    text: String,
    until: i64,
}

impl Record for Note {}

fn deadline(note: &Note) -> Option<i64> {
    Some(note.until)
}

fn memory() -> Ephemeral {
    Ephemeral::Memory(MemoryStore::new())
}

#[test]
fn no_key_holds_the_raw_id() {
    let id = random::token(24);
    for kind in ALL {
        let key = kind.key(&id);
        assert!(!key.contains(&id), "{} keeps the raw id", kind.prefix());
        assert_eq!(key, format!("{}:{}", kind.prefix(), random::digest(&id)));
    }
    assert!(!SMS_WRONG_TRIES.key(&id).contains(&id));
}

#[test]
fn kinds_never_share_a_key() {
    let mut prefixes: Vec<&str> = ALL.iter().map(|k| k.prefix()).collect();
    prefixes.push(SMS_WRONG_TRIES.prefix);
    // A digest has no ':', so only a prefix that extends another could collide.
    for a in &prefixes {
        for b in &prefixes {
            assert!(a == b || !a.starts_with(&format!("{b}:")), "{a} overlaps {b}");
        }
    }
    let mut unique = prefixes.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), prefixes.len());
}

#[test]
fn scoped_ids_of_different_pairs_differ() {
    assert_ne!(scoped("a:b", "c"), scoped("a", "b:c"));
    assert_eq!(scoped("client", "jti"), scoped("client", "jti"));
}

#[test]
fn a_malformed_value_is_none() {
    assert_eq!(decode::<Note>(Some(b"not json".to_vec())), None);
    assert_eq!(decode::<Note>(Some(br#"{"text": 3}"#.to_vec())), None);
    assert_eq!(decode::<Note>(None), None);
    assert_eq!(decode::<String>(Some(b"\xff\xfe".to_vec())), None);
}

#[test]
fn a_deadline_passes_exactly_at_its_time() {
    assert!(is_live(None, 100));
    assert!(is_live(Some(101), 100));
    assert!(!is_live(Some(100), 100));
    assert!(!is_live(Some(99), 100));
}

#[test]
fn a_lifetime_is_never_zero() {
    assert_eq!(ttl(0), Duration::from_secs(1));
    assert_eq!(ttl(-5), Duration::from_secs(1));
    assert_eq!(ttl(300), Duration::from_secs(300));
}

#[tokio::test]
async fn a_record_expires_on_the_injected_clock() {
    let ephemeral = memory();
    let clock = Clock::default();
    let start = clock.now();
    let note = Note { text: "hello".into(), until: start + 60 };
    let ctx = Ctx { ephemeral: &ephemeral, now: start };
    LOGIN_TRANSACTION.put_in(&ctx, "id", &note, 600).await.unwrap();
    assert_eq!(LOGIN_TRANSACTION.load_in(&ctx, "id", deadline).await.unwrap(), Some(note));

    clock.advance(60);
    let later = Ctx { ephemeral: &ephemeral, now: clock.now() };
    assert_eq!(LOGIN_TRANSACTION.load_in::<Note>(&later, "id", deadline).await.unwrap(), None);
    // The expired record is gone from the store, not only hidden.
    assert_eq!(ephemeral.get(&LOGIN_TRANSACTION.key("id")).await.unwrap(), None);
}

#[tokio::test]
async fn a_take_gets_the_record_once_and_only_while_live() {
    let ephemeral = memory();
    let ctx = Ctx { ephemeral: &ephemeral, now: 1_000 };
    let live = Note { text: "live".into(), until: 2_000 };
    AUTHORIZATION_CODE.put_in(&ctx, "code", &live, 60).await.unwrap();
    assert_eq!(AUTHORIZATION_CODE.take_in(&ctx, "code", deadline).await.unwrap(), Some(live));
    assert_eq!(AUTHORIZATION_CODE.take_in::<Note>(&ctx, "code", deadline).await.unwrap(), None);

    let stale = Note { text: "stale".into(), until: 1_000 };
    AUTHORIZATION_CODE.put_in(&ctx, "old", &stale, 60).await.unwrap();
    assert_eq!(AUTHORIZATION_CODE.take_in::<Note>(&ctx, "old", deadline).await.unwrap(), None);
}

#[tokio::test]
async fn a_malformed_stored_value_loads_as_none() {
    let ephemeral = memory();
    let ctx = Ctx { ephemeral: &ephemeral, now: 0 };
    ephemeral.put(&SESSION.key("cookie"), b"{garbage", Duration::from_secs(60)).await.unwrap();
    assert_eq!(SESSION.load_in::<Note>(&ctx, "cookie", deadline).await.unwrap(), None);
    assert_eq!(SESSION.take_in::<Note>(&ctx, "cookie", deadline).await.unwrap(), None);
}

#[tokio::test]
async fn kinds_with_the_same_id_keep_apart() {
    let ephemeral = memory();
    let ctx = Ctx { ephemeral: &ephemeral, now: 0 };
    FORM_TOKEN.put_in(&ctx, "same", &(), 60).await.unwrap();
    assert_eq!(PENDING_LOGOUT.take_in::<()>(&ctx, "same", |_| None).await.unwrap(), None);
    assert_eq!(FORM_TOKEN.take_in::<()>(&ctx, "same", |_| None).await.unwrap(), Some(()));
}
