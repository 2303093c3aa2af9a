//! Plain-text tables for terminal output: columns padded to their widest cell (in characters),
//! two spaces apart, no trailing blanks. Cells are escaped ([`super::escape`]): they hold
//! paths and model names from the repository and its pricing files.

use std::fmt::Write as _;

/// Writes `head` and `rows` to `out`; `right[i]` right-aligns column `i`.
pub fn render(head: &[&str], rows: &[Vec<String>], right: &[bool], out: &mut String) {
    let rows: Vec<Vec<String>> = rows.iter().map(|r| escaped(r)).collect();
    let widths = widths(head, rows.iter());
    let _ = writeln!(out, "{}", line(&widths, right, &mut head.iter().copied()));
    for row in &rows {
        let _ = writeln!(
            out,
            "{}",
            line(&widths, right, &mut row.iter().map(String::as_str))
        );
    }
}

/// [`render`] for a table too long to hold (a repository's call sites): `rows` gives the rows
/// twice, once to size the columns and once to write them to `out`, one line at a time.
pub fn stream<I: Iterator<Item = Vec<String>>>(
    head: &[&str],
    rows: impl Fn() -> I,
    right: &[bool],
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let widths = widths(head, rows().map(|r| escaped(&r)));
    writeln!(out, "{}", line(&widths, right, &mut head.iter().copied()))?;
    for row in rows() {
        let row = escaped(&row);
        let text = line(&widths, right, &mut row.iter().map(String::as_str));
        writeln!(out, "{text}")?;
    }
    Ok(())
}

/// A row's cells escaped: the first (a path) against starting a line with a workflow command.
fn escaped(row: &[String]) -> Vec<String> {
    row.iter()
        .enumerate()
        .map(|(i, c)| match i {
            0 => super::escape::escape_line_start(c).into_owned(),
            _ => super::escape::escape(c).into_owned(),
        })
        .collect()
}

/// Each column's width in characters: its widest cell or heading.
fn widths<R: AsRef<[String]>>(head: &[&str], rows: impl Iterator<Item = R>) -> Vec<usize> {
    let mut widths: Vec<usize> = head.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row.as_ref()) {
            *w = (*w).max(cell.chars().count());
        }
    }
    widths
}

/// One line of the table: cells padded to `widths`, two spaces apart, no trailing blanks.
fn line(widths: &[usize], right: &[bool], cells: &mut dyn Iterator<Item = &str>) -> String {
    let mut s = String::new();
    for (i, cell) in cells.enumerate() {
        let pad = " ".repeat(widths[i].saturating_sub(cell.chars().count()));
        if i > 0 {
            s.push_str("  ");
        }
        if right.get(i) == Some(&true) {
            s.push_str(&pad);
            s.push_str(cell);
        } else {
            s.push_str(cell);
            s.push_str(&pad);
        }
    }
    s.trim_end().to_string()
}

#[cfg(test)]
mod tests {
    #[test]
    fn pads_by_characters_and_aligns() {
        let mut out = String::new();
        let rows = vec![
            vec!["a → b".to_string(), "$1.00".to_string()],
            vec!["cc".to_string(), "$10.00".to_string()],
        ];
        super::render(&["model", "monthly"], &rows, &[false, true], &mut out);
        assert_eq!(out, "model  monthly\na → b    $1.00\ncc      $10.00\n");
        let mut streamed = Vec::new();
        let written = super::stream(
            &["model", "monthly"],
            || rows.iter().cloned(),
            &[false, true],
            &mut streamed,
        );
        assert!(written.is_ok());
        assert_eq!(String::from_utf8_lossy(&streamed), out);
    }
}
