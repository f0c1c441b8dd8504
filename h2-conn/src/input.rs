//! What [`Connection::receive_data`](crate::Connection::receive_data) accepts: received
//! octets that it shares when they already are a [`Bytes`], and copies otherwise.

use bytes::{Bytes, BytesMut};
use core::any::Any;

/// Received octets, as [`Connection::receive_data`](crate::Connection::receive_data)
/// and [`receive_data_into`](crate::Connection::receive_data_into) take them.
///
/// | you pass | what happens |
/// |---|---|
/// | `&[u8]`, `&mut [u8]`, `&[u8; N]`, `&Vec<u8>`, `&BytesMut`, `&T` for any `T: AsRef<[u8]>` | copied once, into a buffer the connection reuses |
/// | `&Bytes` | shared: one reference-count increment, no copy |
/// | `Bytes`, `Vec<u8>`, `BytesMut` (by value) | taken over, no copy |
///
/// So the bytes one connection's [`data_to_send`](crate::Connection::data_to_send)
/// returns cross to another connection (or a test's peer) with no copy at all:
/// `server.receive_data(&client.data_to_send())`. DATA payloads in the events are then
/// views of what you passed, which stays allocated while any view lives.
///
/// Sealed: the implementations above are all there is. For any other type, pass a slice
/// (`&x[..]`).
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

impl sealed::Sealed for &[u8] {}
impl ReceivedOctets for &[u8] {
    #[inline]
    fn octets(&self) -> &[u8] {
        self
    }
    #[inline]
    fn into_shared(self) -> Result<Bytes, Self> {
        Err(self)
    }
}

impl sealed::Sealed for &mut [u8] {}
impl ReceivedOctets for &mut [u8] {
    #[inline]
    fn octets(&self) -> &[u8] {
        self
    }
    #[inline]
    fn into_shared(self) -> Result<Bytes, Self> {
        Err(self)
    }
}

/// Any sized buffer by reference: shared when it is a `Bytes` (the check is on the type,
/// resolved at compile time), copied otherwise.
impl<T: AsRef<[u8]> + Any> sealed::Sealed for &T {}
impl<T: AsRef<[u8]> + Any> ReceivedOctets for &T {
    #[inline]
    fn octets(&self) -> &[u8] {
        (**self).as_ref()
    }
    #[inline]
    fn into_shared(self) -> Result<Bytes, Self> {
        match (self as &dyn Any).downcast_ref::<Bytes>() {
            Some(bytes) => Ok(bytes.clone()),
            None => Err(self),
        }
    }
}

impl sealed::Sealed for Bytes {}
impl ReceivedOctets for Bytes {
    #[inline]
    fn octets(&self) -> &[u8] {
        self
    }
    #[inline]
    fn into_shared(self) -> Result<Bytes, Self> {
        Ok(self)
    }
}

impl sealed::Sealed for Vec<u8> {}
impl ReceivedOctets for Vec<u8> {
    #[inline]
    fn octets(&self) -> &[u8] {
        self
    }
    #[inline]
    fn into_shared(self) -> Result<Bytes, Self> {
        Ok(Bytes::from(self))
    }
}

impl sealed::Sealed for BytesMut {}
impl ReceivedOctets for BytesMut {
    #[inline]
    fn octets(&self) -> &[u8] {
        self
    }
    #[inline]
    fn into_shared(self) -> Result<Bytes, Self> {
        Ok(self.freeze())
    }
}
