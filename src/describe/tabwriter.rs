//! Go's `text/tabwriter` as `oc describe` configures it (minwidth 0, tabwidth 8, padding 1, padchar
//! `\t`, no flags), so columns line up exactly as oc's do in a terminal and byte for byte in a file.
//!
//! A line is split into cells at tabs; the text after the last tab is not part of any column. A column
//! block is a run of consecutive lines that all have a cell in that column; every cell of a block is
//! padded with tabs to the block's widest cell plus one, rounded up to a multiple of 8. Blocks nest:
//! column 1 is aligned per run of lines inside one column-0 block.

const TAB_WIDTH: usize = 8;
const PADDING: usize = 1;

/// Aligns `text` (lines ending in `\n`) the way oc's tabwriter prints it.
pub fn align(text: &str) -> String {
    let lines: Vec<Vec<&str>> = text.split('\n').map(|l| l.split('\t').collect()).collect();
    let mut out = String::with_capacity(text.len() + text.len() / 4);
    let mut widths = Vec::new();
    format(&lines, 0, lines.len(), &mut widths, &mut out);
    out
}

/// Cell width as Go counts it: runes.
fn width(cell: &str) -> usize {
    cell.chars().count()
}

/// Lines `from..to` at column depth `widths.len()`: finds each block that has one more column, fixes
/// its width, and recurses into it; lines outside blocks are written with the widths known so far.
fn format(lines: &[Vec<&str>], from: usize, to: usize, widths: &mut Vec<usize>, out: &mut String) {
    let column = widths.len();
    let mut start = from;
    let mut this = from;
    while this < to {
        if column + 1 >= lines[this].len() {
            this += 1;
            continue;
        }
        write_lines(lines, start, this, widths, out);
        start = this;
        let mut block_width = 0;
        while this < to && column + 1 < lines[this].len() {
            block_width = block_width.max(width(lines[this][column]) + PADDING);
            this += 1;
        }
        widths.push(block_width);
        format(lines, start, this, widths, out);
        widths.pop();
        start = this;
    }
    write_lines(lines, start, to, widths, out);
}

fn write_lines(lines: &[Vec<&str>], from: usize, to: usize, widths: &[usize], out: &mut String) {
    for (i, line) in lines.iter().enumerate().take(to).skip(from) {
        for (j, cell) in line.iter().enumerate() {
            out.push_str(cell);
            if let Some(&cell_width) = widths.get(j)
                && j + 1 < line.len()
            {
                let cell_width = cell_width.div_ceil(TAB_WIDTH) * TAB_WIDTH;
                let padding = cell_width.saturating_sub(width(cell));
                out.extend(std::iter::repeat_n('\t', padding.div_ceil(TAB_WIDTH)));
            }
        }
        // The text after the final line break is an unterminated (empty) line.
        if i + 1 < lines.len() {
            out.push('\n');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::align;

    #[test]
    fn labels_pad_to_the_widest_label_rounded_to_tab_stops() {
        let text = "Name:\tx\nImage Repository:\ty\nTags:\t3\n\nalone\n";
        // widest is 17 + 1 padding → 24 columns: "Name:" needs 3 tabs, "Image Repository:" 1.
        assert_eq!(
            align(text),
            "Name:\t\t\tx\nImage Repository:\ty\nTags:\t\t\t3\n\nalone\n"
        );
    }

    #[test]
    fn an_empty_first_cell_continues_the_block() {
        assert_eq!(
            align("Labels:\ta=b\n\tc=d\nName:\tn\n"),
            "Labels:\ta=b\n\tc=d\nName:\tn\n"
        );
    }

    #[test]
    fn a_line_without_tabs_ends_a_block() {
        // Each block is sized on its own lines only.
        assert_eq!(
            align("a:\t1\nline\nlonger label:\t2\n"),
            "a:\t1\nline\nlonger label:\t2\n"
        );
        assert_eq!(
            align("      5 days ago\tsha256:1\n      About a minute ago\tsha256:2\n"),
            "      5 days ago\t\tsha256:1\n      About a minute ago\tsha256:2\n"
        );
    }

    #[test]
    fn a_cell_of_exactly_a_tab_stop_gets_a_whole_tab_of_padding() {
        // 8 characters + 1 padding = 9 → 16: one tab after an 8-character cell.
        assert_eq!(align("12345678\tx\n1\ty\n"), "12345678\tx\n1\t\ty\n");
    }
}
