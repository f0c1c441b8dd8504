//! What [`Connection::receive_data`](crate::Connection::receive_data) accepts: received
//! octets that it shares when they already are a [`Bytes`], and copies otherwise.

use bytes::{Bytes, BytesMut};
use std::borrow::Cow;
use std::sync::Arc;

/// Received octets, as [`Connection::receive_data`](crate::Connection::receive_data)
/// and [`receive_data_into`](crate::Connection::receive_data_into) take them.
///
/// | you pass | what happens |
/// |---|---|
/// | `&[u8]`, `&mut [u8]`, `&&[u8]`, `&[u8; N]` (also `&mut`, `&&`), `&Vec<u8>` (also `&mut`, `&&`), `&Box<[u8]>`, `&Arc<[u8]>`, `&Arc<Vec<u8>>`, `&Cow<[u8]>`, `&BytesMut`, `&mut BytesMut` | copied once, into a buffer the connection reuses |
/// | `&Bytes`, `&mut Bytes`, `&&Bytes` | shared: one reference-count increment, no copy |
/// | `Bytes`, `Vec<u8>`, `Box<[u8]>`, `BytesMut` (by value) | taken over, no copy |
///
/// So the bytes one connection's [`data_to_send`](crate::Connection::data_to_send)
/// returns cross to another connection (or a test's peer) with no further copy:
/// `server.receive_data(&client.data_to_send())`. DATA payloads in the events are then
/// views of what you passed, which stays allocated while any view lives (the octets of
/// a frame cut off at the end of the input are copied, not kept). A `Vec` by value is
/// kept with all its capacity: pass a read buffer of 64 KiB holding 9 octets as a slice
/// (`&buf[..n]`) instead. A `Bytes` you share is no longer unique while views of it live
/// (`try_into_mut` and the like fail until they are dropped).
///
/// Sealed: the implementations above are all there is. For any other type, pass a slice
/// (`&x[..]`). Being generic, the argument is not coerced: `x.as_ref()` may need its
/// type spelled out, and `&*x` or `&x[..]` always works.
pub trait ReceivedOctets: sealed::Sealed {
    #[doc(hidden)]
    fn octets(&self) -> &[u8];
    /// The octets as a `Bytes` when that costs no copy, else `self` back.
    #[doc(hidden)]
    fn into_shared(self) -> Result<Bytes, Self>
    where
        Self: Sized;
}

mod sealed {
    pub trait Sealed {}
}

/// Implements the trait for each listed type, `$share` turning the value (`$it`) into
/// `into_shared`'s answer.
macro_rules! received_octets {
    (|$it:ident| $share:expr; $([$($generics:tt)*] $ty:ty;)*) => {$(
        impl<$($generics)*> sealed::Sealed for $ty {}
        impl<$($generics)*> ReceivedOctets for $ty {
            #[inline]
            fn octets(&self) -> &[u8] {
                &self[..]
            }
            #[inline]
            fn into_shared(self) -> Result<Bytes, Self> {
                let $it = self;
                $share
            }
        }
    )*};
}

// Borrowed octets: copied.
received_octets! {
    |it| Err(it);
    [] &[u8];
    [] &mut [u8];
    ['a] &&'a [u8];
    [const N: usize] &[u8; N];
    [const N: usize] &mut [u8; N];
    ['a, const N: usize] &&'a [u8; N];
    [] &Vec<u8>;
    [] &mut Vec<u8>;
    ['a] &&'a Vec<u8>;
    [] &Box<[u8]>;
    [] &Arc<[u8]>;
    [] &Arc<Vec<u8>>;
    ['a] &Cow<'a, [u8]>;
    [] &BytesMut;
    [] &mut BytesMut;
}

// A `Bytes` by reference: shared, a reference-count increment and no copy.
received_octets! {
    |it| Ok(Bytes::clone(it));
    [] &Bytes;
    [] &mut Bytes;
    ['a] &&'a Bytes;
}

// Owned octets: taken over.
received_octets! {
    |it| Ok(it);
    [] Bytes;
}
received_octets! {
    |it| Ok(Bytes::from(it));
    [] Vec<u8>;
    [] Box<[u8]>;
    [] BytesMut;
}
