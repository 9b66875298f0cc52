//! Checks shared by every action: paging and id lists (spec §6), lengths and enumerations.

use zec_types::{ApiError, ErrorCode};

/// Which slice of a result to return.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    pub offset: u64,
    pub limit: u64,
}

impl Page {
    pub const DEFAULT_SIZE: i64 = 20;
    pub const MAX_SIZE: i64 = 1000;

    /// Everything: for "all listed instances" when ids are given without a page size.
    pub const ALL: Page = Page {
        offset: 0,
        limit: u64::MAX,
    };

    /// `pageSize` (default 20, 1..=1000) and `pageNum` (default 1, from 1).
    pub fn from_request(page_size: Option<i64>, page_num: Option<i64>) -> Result<Self, ApiError> {
        let size = page_size.unwrap_or(Self::DEFAULT_SIZE);
        let num = page_num.unwrap_or(1);
        at_least("pageSize", size, 1)?;
        at_most("pageSize", size, Self::MAX_SIZE)?;
        at_least("pageNum", num, 1)?;
        let size = size as u64;
        Ok(Self {
            offset: (num as u64 - 1).saturating_mul(size),
            limit: size,
        })
    }

    /// The range of a list of `len` items this page covers.
    pub fn range(&self, len: usize) -> std::ops::Range<usize> {
        let start = usize::try_from(self.offset).unwrap_or(usize::MAX).min(len);
        let end = start
            .saturating_add(usize::try_from(self.limit).unwrap_or(usize::MAX))
            .min(len);
        start..end
    }
}

pub fn at_least(field: &str, value: i64, min: i64) -> Result<(), ApiError> {
    if value < min {
        return Err(ApiError::new(
            ErrorCode::InvalidParameterLessMinimum,
            format!("The parameter `{field}` must be at least {min}; got {value}."),
        ));
    }
    Ok(())
}

pub fn at_most(field: &str, value: i64, max: i64) -> Result<(), ApiError> {
    if value > max {
        return Err(ApiError::new(
            ErrorCode::InvalidParameterExceedMaximum,
            format!("The parameter `{field}` must be at most {max}; got {value}."),
        ));
    }
    Ok(())
}

/// A list that may hold at most `max` items.
pub fn max_items<T>(field: &str, items: &[T], max: usize) -> Result<(), ApiError> {
    max_count(field, items.len(), max)
}

/// A list of `count` items that may hold at most `max`.
pub fn max_count(field: &str, count: usize, max: usize) -> Result<(), ApiError> {
    if count > max {
        return Err(ApiError::new(
            ErrorCode::InvalidParameterExceedLength,
            format!("The parameter `{field}` may hold at most {max} items; got {count}."),
        ));
    }
    Ok(())
}

/// A string of `min..=max` characters.
pub fn length(field: &str, value: &str, min: usize, max: usize) -> Result<(), ApiError> {
    let n = value.chars().count();
    if n < min {
        return Err(ApiError::new(
            ErrorCode::InvalidParameterLessLength,
            format!("The parameter `{field}` must be at least {min} characters long."),
        ));
    }
    if n > max {
        return Err(ApiError::new(
            ErrorCode::InvalidParameterExceedLength,
            format!("The parameter `{field}` must be at most {max} characters long."),
        ));
    }
    Ok(())
}

/// A value from a fixed set.
pub fn one_of<'a>(field: &str, value: &'a str, allowed: &[&str]) -> Result<&'a str, ApiError> {
    if allowed.contains(&value) {
        Ok(value)
    } else {
        Err(ApiError::new(
            ErrorCode::InvalidParameterValue,
            format!(
                "The parameter `{field}` must be one of {}; got `{value}`.",
                allowed.join(", ")
            ),
        ))
    }
}

/// A required parameter: absent, null and empty strings are all missing.
pub fn required<'a>(field: &str, value: &'a Option<String>) -> Result<&'a str, ApiError> {
    match value.as_deref() {
        Some(v) if !v.is_empty() => Ok(v),
        _ => Err(ApiError::missing(field)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_defaults_and_limits() {
        assert_eq!(
            Page::from_request(None, None).unwrap(),
            Page {
                offset: 0,
                limit: 20
            }
        );
        assert_eq!(
            Page::from_request(Some(1000), Some(3)).unwrap(),
            Page {
                offset: 2000,
                limit: 1000
            }
        );
        let code = |s, n| Page::from_request(s, n).unwrap_err().code;
        assert_eq!(
            code(Some(1001), None),
            ErrorCode::InvalidParameterExceedMaximum
        );
        assert_eq!(code(Some(0), None), ErrorCode::InvalidParameterLessMinimum);
        assert_eq!(code(Some(-5), None), ErrorCode::InvalidParameterLessMinimum);
        assert_eq!(code(None, Some(0)), ErrorCode::InvalidParameterLessMinimum);
    }

    #[test]
    fn huge_page_numbers_are_an_empty_page_not_an_overflow() {
        let p = Page::from_request(Some(1000), Some(i64::MAX)).unwrap();
        assert_eq!(p.range(10), 10..10);
        assert_eq!(Page::ALL.range(7), 0..7);
        assert_eq!(
            Page {
                offset: 5,
                limit: 20
            }
            .range(7),
            5..7
        );
    }

    #[test]
    fn lengths_count_characters() {
        assert!(length("n", "ab", 2, 3).is_ok());
        assert_eq!(
            length("n", "a", 2, 3).unwrap_err().code,
            ErrorCode::InvalidParameterLessLength
        );
        assert_eq!(
            length("n", "abcd", 2, 3).unwrap_err().code,
            ErrorCode::InvalidParameterExceedLength
        );
        assert!(length("n", "日本語", 3, 3).is_ok());
    }
}
