//! What [`Connection::receive_data`](crate::Connection::receive_data) accepts: received
//! octets that it shares when they already are a [`Bytes`], and copies otherwise.

use bytes::{Bytes, BytesMut};
use std::borrow::Cow;

/// Received octets, as [`Connection::receive_data`](crate::Connection::receive_data)
/// and [`receive_data_into`](crate::Connection::receive_data_into) take them.
///
/// | you pass | what happens |
/// |---|---|
/// | `&[u8]`, `&mut [u8]`, `&&[u8]`, `&[u8; N]`, `&Vec<u8>`, `&mut Vec<u8>`, `&Box<[u8]>`, `&Cow<[u8]>`, `&BytesMut` | copied once, into a buffer the connection reuses |
/// | `&Bytes` | shared: one reference-count increment, no copy |
/// | `Bytes`, `Vec<u8>`, `Box<[u8]>`, `BytesMut` (by value) | taken over, no copy |
///
/// So the bytes one connection's [`data_to_send`](crate::Connection::data_to_send)
/// returns cross to another connection (or a test's peer) with no further copy:
/// `server.receive_data(&client.data_to_send())`. DATA payloads in the events are then
/// views of what you passed, which stays allocated while any view lives.
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

/// Borrowed octets: copied.
macro_rules! copied {
    ($([$($generics:tt)*] $ty:ty;)*) => {$(
        impl<$($generics)*> sealed::Sealed for $ty {}
        impl<$($generics)*> ReceivedOctets for $ty {
            #[inline]
            fn octets(&self) -> &[u8] {
                &self[..]
            }
            #[inline]
            fn into_shared(self) -> Result<Bytes, Self> {
                Err(self)
            }
        }
    )*};
}

copied! {
    [] &[u8];
    [] &mut [u8];
    ['a] &&'a [u8];
    [const N: usize] &[u8; N];
    [] &Vec<u8>;
    [] &mut Vec<u8>;
    [] &Box<[u8]>;
    ['a] &Cow<'a, [u8]>;
    [] &BytesMut;
}

/// Shared: a reference-count increment, no copy.
impl sealed::Sealed for &Bytes {}
impl ReceivedOctets for &Bytes {
    #[inline]
    fn octets(&self) -> &[u8] {
        self
    }
    #[inline]
    fn into_shared(self) -> Result<Bytes, Self> {
        Ok(self.clone())
    }
}

/// Owned octets: taken over.
macro_rules! kept {
    ($($ty:ty;)*) => {$(
        impl sealed::Sealed for $ty {}
        impl ReceivedOctets for $ty {
            #[inline]
            fn octets(&self) -> &[u8] {
                &self[..]
            }
            #[inline]
            fn into_shared(self) -> Result<Bytes, Self> {
                Ok(Bytes::from(self))
            }
        }
    )*};
}

kept! {
    Bytes;
    Vec<u8>;
    Box<[u8]>;
    BytesMut;
}
