//! How big a machine an instance gets, and whether more fit (`--guests-max`,
//! `--guests-memory`).

use zec_types::{ApiError, ErrorCode};

/// The smallest machine: the guest image boots in less, but SSH and a shell want room.
pub const MIN_MEMORY_MIB: u32 = 128;

/// A machine's memory: the instance type's, divided by the scale factor (so that a 16 GiB
/// type is a 1 GiB machine at the default 16), at least [`MIN_MEMORY_MIB`].
pub fn memory_mib(type_memory_gib: u32, scale: u32) -> u32 {
    let mib = u64::from(type_memory_gib) * 1024 / u64::from(scale.max(1));
    u32::try_from(mib).unwrap_or(u32::MAX).max(MIN_MEMORY_MIB)
}

/// A machine's vCPUs: the instance type's, at most the host's (KVM runs more, but slower
/// than fewer).
pub fn vcpus(type_cpus: u32, host_cpus: u32) -> u32 {
    type_cpus.clamp(1, host_cpus.max(1))
}

/// The limits of one zecd.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    pub max_guests: usize,
    pub memory_mib: u64,
}

/// What the instances that hold a machine take now: every instance until it is released
/// (a stopped instance keeps its place, as it can be started again at any time).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Load {
    pub guests: usize,
    pub memory_mib: u64,
}

/// Whether `count` more machines of `each_mib` fit. Beyond the guest count, the vendor's
/// quota code; beyond the memory, its stock code.
pub fn admit(budget: Budget, load: Load, count: usize, each_mib: u32) -> Result<(), ApiError> {
    if load.guests.saturating_add(count) > budget.max_guests {
        return Err(ApiError::new(
            ErrorCode::OperationDeniedInstanceQuotaExceed,
            format!(
                "This zecd runs at most {} guests (--guests-max); {} exist and {count} more were asked for.",
                budget.max_guests, load.guests
            ),
        ));
    }
    let wanted = u64::from(each_mib).saturating_mul(count as u64);
    if load.memory_mib.saturating_add(wanted) > budget.memory_mib {
        return Err(ApiError::new(
            ErrorCode::StockInsufficient,
            format!(
                "Not enough guest memory: {} MiB of {} MiB (--guests-memory) are taken and {wanted} MiB more were asked for.",
                load.memory_mib, budget.memory_mib
            ),
        ));
    }
    Ok(())
}

/// Parses a size such as `8GiB`, `512MiB`, `2G` or `1024M` into MiB.
pub fn parse_size_mib(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (digits, unit) = t.split_at(split);
    let n: u64 = digits
        .parse()
        .map_err(|_| format!("`{s}`: expected a size such as 8GiB or 512MiB"))?;
    let factor = match unit.trim().to_ascii_lowercase().as_str() {
        "m" | "mb" | "mib" => 1,
        "g" | "gb" | "gib" | "" => 1024,
        "t" | "tb" | "tib" => 1024 * 1024,
        _ => return Err(format!("`{s}`: the unit is one of MiB, GiB, TiB")),
    };
    n.checked_mul(factor)
        .filter(|m| *m > 0)
        .ok_or_else(|| format!("`{s}`: out of range"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn machines_are_scaled_down_to_a_floor() {
        assert_eq!(memory_mib(16, 16), 1024);
        assert_eq!(memory_mib(2, 16), 128);
        assert_eq!(memory_mib(1, 1), 1024);
        assert_eq!(memory_mib(4, 0), 4096);
        assert_eq!(vcpus(8, 2), 2);
        assert_eq!(vcpus(0, 2), 1);
        assert_eq!(vcpus(1, 2), 1);
    }

    #[test]
    fn admission_refuses_with_the_quota_code_then_the_stock_code() {
        let budget = Budget {
            max_guests: 3,
            memory_mib: 1024,
        };
        let load = Load {
            guests: 2,
            memory_mib: 512,
        };
        assert!(admit(budget, load, 1, 512).is_ok());
        let e = admit(budget, load, 2, 128).unwrap_err();
        assert_eq!(e.code, ErrorCode::OperationDeniedInstanceQuotaExceed);
        let e = admit(budget, load, 1, 513).unwrap_err();
        assert_eq!(e.code, ErrorCode::StockInsufficient);
    }

    #[test]
    fn sizes() {
        assert_eq!(parse_size_mib("8GiB"), Ok(8192));
        assert_eq!(parse_size_mib("512MiB"), Ok(512));
        assert_eq!(parse_size_mib("2g"), Ok(2048));
        assert_eq!(parse_size_mib("3"), Ok(3072));
        assert!(parse_size_mib("0G").is_err());
        assert!(parse_size_mib("lots").is_err());
        assert!(parse_size_mib("5 parsecs").is_err());
    }
}
