//! RFC 9218 Priority field values (the `priority` header, PRIORITY_UPDATE payloads):
//! any octets parse without a panic, and what a parsed priority prints parses back the
//! same.
#![no_main]

use h2_conn::ExtensiblePriority;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let priority = ExtensiblePriority::parse(data);
    assert!(priority.urgency <= 7);
    let printed = priority.to_field_value();
    assert_eq!(ExtensiblePriority::parse(printed.as_bytes()), priority);
});
