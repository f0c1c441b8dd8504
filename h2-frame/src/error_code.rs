//! Error codes (RFC 9113 7).

use core::fmt;

macro_rules! wire_enum {
    (
        $(#[$meta:meta])*
        pub struct $name:ident($repr:ty);
        $( $(#[$cmeta:meta])* $konst:ident = $value:expr, )*
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(pub $repr);

        impl $name {
            $( $(#[$cmeta])* pub const $konst: $name = $name($value); )*

            /// The registered name of this value, or `None` when it is unknown to us.
            pub const fn name(self) -> Option<&'static str> {
                match self.0 {
                    $( $value => Some(stringify!($konst)), )*
                    _ => None,
                }
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                match self.name() {
                    Some(name) => f.write_str(name),
                    None => write!(f, "{}({:#x})", stringify!($name), self.0),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Debug::fmt(self, f)
            }
        }

        impl From<$repr> for $name {
            fn from(value: $repr) -> Self {
                $name(value)
            }
        }

        impl From<$name> for $repr {
            fn from(value: $name) -> $repr {
                value.0
            }
        }
    };
}
pub(crate) use wire_enum;

wire_enum! {
    /// An RST_STREAM or GOAWAY error code (RFC 9113 7). Unknown codes are kept as they are
    /// ("MUST NOT trigger any special behavior", RFC 9113 7).
    ///
    /// ```
    /// use h2_frame::ErrorCode;
    /// assert_eq!(format!("{:?}", ErrorCode::PROTOCOL_ERROR), "PROTOCOL_ERROR");
    /// assert_eq!(format!("{:?}", ErrorCode(0x42)), "ErrorCode(0x42)");
    /// ```
    pub struct ErrorCode(u32);
    /// Graceful shutdown, or no error.
    NO_ERROR = 0x0,
    /// An unspecific protocol error.
    PROTOCOL_ERROR = 0x1,
    /// An unexpected internal error.
    INTERNAL_ERROR = 0x2,
    /// The peer violated flow control.
    FLOW_CONTROL_ERROR = 0x3,
    /// A SETTINGS frame was not acknowledged in time.
    SETTINGS_TIMEOUT = 0x4,
    /// A frame arrived after the stream was half-closed.
    STREAM_CLOSED = 0x5,
    /// A frame had an invalid size.
    FRAME_SIZE_ERROR = 0x6,
    /// The stream was refused before any application processing.
    REFUSED_STREAM = 0x7,
    /// The stream is no longer needed.
    CANCEL = 0x8,
    /// The header compression context could not be maintained.
    COMPRESSION_ERROR = 0x9,
    /// The connection for a CONNECT request was reset or abnormally closed.
    CONNECT_ERROR = 0xa,
    /// The peer is generating excessive load.
    ENHANCE_YOUR_CALM = 0xb,
    /// The transport does not meet minimum security requirements.
    INADEQUATE_SECURITY = 0xc,
    /// HTTP/1.1 must be used instead.
    HTTP_1_1_REQUIRED = 0xd,
}
