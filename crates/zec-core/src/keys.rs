//! SSH public keys, as ImportKeyPair takes them: one to five keys in OpenSSH's one-line format
//! (`type base64 [comment]`), one per line. Each key's blob must decode and name the type its
//! line names; RSA keys must be at least 1024 bits. The fingerprint is OpenSSH's
//! (`SHA256:` and the unpadded base64 of the blob's SHA-256), as `ssh-keygen -l` prints it.

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};
use sha2::{Digest, Sha256};
use zec_types::error::echo;
use zec_types::{ApiError, ErrorCode};

/// Most keys one key pair may hold.
pub const MAX_KEYS: usize = 5;
/// The longest `publicKey` taken (five 16384-bit RSA keys fit).
pub const MAX_PUBLIC_KEY_BYTES: usize = 16 * 1024;

/// The key types taken.
pub const TYPES: [&str; 6] = [
    "ssh-rsa",
    "ssh-ed25519",
    "ecdsa-sha2-nistp256",
    "ecdsa-sha2-nistp384",
    "ecdsa-sha2-nistp521",
    "sk-ssh-ed25519@openssh.com",
];

fn malformed(why: String) -> ApiError {
    refused(ErrorCode::InvalidPublicKeyMalformed, why)
}

fn refused(code: ErrorCode, why: String) -> ApiError {
    ApiError::new(code, format!("`publicKey` is not taken: {why}"))
}

/// Reads one length-prefixed field of an SSH blob.
fn field<'a>(blob: &mut &'a [u8]) -> Option<&'a [u8]> {
    let (len, rest) = blob.split_first_chunk::<4>()?;
    let len = u32::from_be_bytes(*len) as usize;
    if rest.len() < len {
        return None;
    }
    let (f, rest) = rest.split_at(len);
    *blob = rest;
    Some(f)
}

/// The significant bits of an SSH mpint.
fn bits(mpint: &[u8]) -> usize {
    let digits: &[u8] = match mpint.iter().position(|b| *b != 0) {
        Some(i) => &mpint[i..],
        None => &[],
    };
    match digits.first() {
        None => 0,
        Some(top) => (digits.len() - 1) * 8 + (8 - top.leading_zeros() as usize),
    }
}

/// Checks a blob against the type its line names.
fn check_blob(kind: &str, blob: &[u8]) -> Result<(), String> {
    let mut rest = blob;
    let named = field(&mut rest).ok_or("the key data is cut short")?;
    if named != kind.as_bytes() {
        return Err(format!(
            "the key data is of type `{}`, not `{kind}`",
            echo(&String::from_utf8_lossy(named))
        ));
    }
    match kind {
        "ssh-rsa" => {
            let _e = field(&mut rest).ok_or("the RSA exponent is missing")?;
            let n = field(&mut rest).ok_or("the RSA modulus is missing")?;
            if bits(n) < 1024 {
                return Err(format!(
                    "an RSA key of {} bits is too short (at least 1024)",
                    bits(n)
                ));
            }
        }
        "ssh-ed25519" => {
            let k = field(&mut rest).ok_or("the Ed25519 key is missing")?;
            if k.len() != 32 {
                return Err("an Ed25519 key is 32 bytes".into());
            }
        }
        "sk-ssh-ed25519@openssh.com" => {
            let k = field(&mut rest).ok_or("the Ed25519 key is missing")?;
            if k.len() != 32 {
                return Err("an Ed25519 key is 32 bytes".into());
            }
            field(&mut rest).ok_or("the security key's application is missing")?;
        }
        _ => {
            // ecdsa-sha2-<curve>: the curve's name, then the point.
            let curve = field(&mut rest).ok_or("the ECDSA curve is missing")?;
            if Some(curve) != kind.strip_prefix("ecdsa-sha2-").map(str::as_bytes) {
                return Err("the ECDSA curve does not match the key type".into());
            }
            let point = field(&mut rest).ok_or("the ECDSA point is missing")?;
            if point.first() != Some(&4) {
                return Err("the ECDSA point is not an uncompressed point".into());
            }
        }
    }
    if !rest.is_empty() {
        return Err("the key data has bytes after the key".into());
    }
    Ok(())
}

/// Checks `publicKey` and returns the fingerprint of its first key.
pub fn fingerprint(public_key: &str) -> Result<String, ApiError> {
    if public_key.len() > MAX_PUBLIC_KEY_BYTES {
        return Err(malformed(format!(
            "it is longer than {MAX_PUBLIC_KEY_BYTES} bytes"
        )));
    }
    let lines: Vec<&str> = public_key
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    if lines.is_empty() {
        return Err(malformed("it is empty".into()));
    }
    if lines.len() > MAX_KEYS {
        return Err(refused(
            ErrorCode::InvalidPublicKeyExceedLimit,
            format!("it holds {} keys; at most {MAX_KEYS}", lines.len()),
        ));
    }
    let mut prints: Vec<String> = Vec::with_capacity(lines.len());
    for (n, line) in lines.iter().enumerate() {
        let mut parts = line.split_ascii_whitespace();
        let (Some(kind), Some(data)) = (parts.next(), parts.next()) else {
            return Err(malformed(format!(
                "key {} is not `type base64-data [comment]`",
                n + 1
            )));
        };
        if !TYPES.contains(&kind) {
            return Err(refused(
                ErrorCode::InvalidKeyPairAlgorithm,
                format!(
                    "key {} is of type `{}`; the types taken are {}",
                    n + 1,
                    echo(kind),
                    TYPES.join(", ")
                ),
            ));
        }
        let blob = STANDARD
            .decode(data)
            .map_err(|_| malformed(format!("key {}'s data is not base64", n + 1)))?;
        check_blob(kind, &blob).map_err(|why| malformed(format!("key {}: {why}", n + 1)))?;
        let print = format!("SHA256:{}", STANDARD_NO_PAD.encode(Sha256::digest(&blob)));
        if prints.contains(&print) {
            return Err(ApiError::new(
                ErrorCode::InvalidParameterSshKeyDuplicate,
                format!("`publicKey` holds the key {print} twice."),
            ));
        }
        prints.push(print);
    }
    Ok(prints.swap_remove(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `ssh-keygen -t ed25519` and `-t rsa -b 2048` output, and what `ssh-keygen -l` prints.
    const ED25519: &str = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJLxWYsADItjQ48LnKgqGUKeYbMgekr09oMCasnBeGEd user@host";
    const ED25519_PRINT: &str = "SHA256:fJqAsbb9GDs6zPp4Ru1Lso3glHTcAjpxd52FUe+wx4A";
    const RSA: &str = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC4rDYKXrhrIib0lU/Jl8mmKFOh9SJBhk7b2Dpd3qHCHfHUyV67Tyicldbfzqzw6GxBg1xkTGzx6PYwE7cTM0Ao6jyeX42s+Vnh6WsQ0Lxl82PwH+xYPJgux5ASNoDK+I8jwxphqTrNHMukeYt4gmECDUce+DGQYSM28XwdsXObUWvRgQQEtGB5kBYfSwuOXOOPk5udtshcMzuuk0P2zKU26IrYQfIc3Kepw52Iy/dDY4cLCt78jnXX0gL7arZe7RX2q9Nx+Vh5GBiHmXjeF4Gpj4VM2cG4YWx3z+Rk+octCClQYTXDxB9y/ij/RRSXQNKK+T8djuUtbxcKFMigFuZd rsa@host";
    const RSA_PRINT: &str = "SHA256:j54ecGrXKM8SELzO1/o29dCtlJS1mgwdMu+8cfUxHQo";

    fn blob(fields: &[&[u8]]) -> String {
        let mut out = Vec::new();
        for f in fields {
            out.extend_from_slice(&(f.len() as u32).to_be_bytes());
            out.extend_from_slice(f);
        }
        STANDARD.encode(out)
    }

    #[test]
    fn takes_openssh_keys_and_fingerprints_the_first() {
        let print = fingerprint(ED25519).unwrap();
        assert_eq!(print, ED25519_PRINT);
        assert_eq!(fingerprint(RSA).unwrap(), RSA_PRINT);
        assert_eq!(
            fingerprint(&format!("{RSA}\r\n{ED25519}\r\n")).unwrap(),
            RSA_PRINT
        );
        let mut modulus = vec![0u8];
        modulus.extend([0xC5; 256]);
        let rsa = format!("ssh-rsa {}", blob(&[b"ssh-rsa", &[1, 0, 1], &modulus]));
        let both = format!("{ED25519}\n{rsa} second\n");
        assert_eq!(fingerprint(&both).unwrap(), print);
        let ecdsa = format!(
            "ecdsa-sha2-nistp256 {}",
            blob(&[b"ecdsa-sha2-nistp256", b"nistp256", &[4; 65]])
        );
        fingerprint(&ecdsa).unwrap();
    }

    #[test]
    fn refuses_what_is_not_a_key() {
        let code = |k: &str| fingerprint(k).unwrap_err().code;
        let malformed = ErrorCode::InvalidPublicKeyMalformed;
        assert_eq!(code(""), malformed);
        assert_eq!(code("ssh-rsa"), malformed);
        assert_eq!(code("ssh-rsa not-base64!"), malformed);
        assert_eq!(code("ssh-foo AAAA"), ErrorCode::InvalidKeyPairAlgorithm);
        assert_eq!(code("ssh-dss AAAA"), ErrorCode::InvalidKeyPairAlgorithm);
        // An Ed25519 blob under an RSA label.
        let relabelled = ED25519.replacen("ssh-ed25519", "ssh-rsa", 1);
        assert_eq!(code(&relabelled), malformed);
        let short = format!("ssh-rsa {}", blob(&[b"ssh-rsa", &[1, 0, 1], &[0xff; 64]]));
        assert_eq!(code(&short), malformed);
        let six = [ED25519; 6].join("\n");
        assert_eq!(code(&six), ErrorCode::InvalidPublicKeyExceedLimit);
        let twice = format!("{ED25519}\n{ED25519}");
        assert_eq!(code(&twice), ErrorCode::InvalidParameterSshKeyDuplicate);
        let trailing = format!(
            "ssh-ed25519 {}",
            blob(&[b"ssh-ed25519", &[7; 32], b"extra"])
        );
        assert_eq!(code(&trailing), malformed);
    }
}
