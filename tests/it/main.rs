//! Integration tests, compiled as one binary (one link step on 2-core CI).

mod util;
