//! Plain-text tables for terminal output: columns padded to their widest cell (in characters),
//! two spaces apart, no trailing blanks. Cells are escaped ([`super::escape`]): they hold
//! paths and model names from the repository and its pricing files.

use std::fmt::Write as _;

/// Writes `head` and `rows` to `out`; `right[i]` right-aligns column `i`.
pub fn render(head: &[&str], rows: &[Vec<String>], right: &[bool], out: &mut String) {
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            r.iter()
                .enumerate()
                .map(|(i, c)| match i {
                    0 => super::escape::escape_line_start(c).into_owned(),
                    _ => super::escape::escape(c).into_owned(),
                })
                .collect()
        })
        .collect();
    let rows = rows.as_slice();
    let mut widths: Vec<usize> = head.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut line = |cells: &mut dyn Iterator<Item = &str>| {
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
        let _ = writeln!(out, "{}", s.trim_end());
    };
    line(&mut head.iter().copied());
    for row in rows {
        line(&mut row.iter().map(String::as_str));
    }
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
    }
}
