# Tidies the paragraph macros (.P) scdoc emits, which mandoc -T lint reports as warnings
# ("skipping paragraph macro: PP empty / PP after SH"); the rendered page is the same:
# - ".P" just before ".RE" (end of an indented item) moves after it, where it separates
#   the item from the next one;
# - ".P" right after .TH/.SH/.SS/.P, or right before .SH/.SS/.P or the end, is dropped.
# And ".nh" (no hyphenation, which scdoc puts before .TH, where .TH undoes it) is repeated
# after .TH, so that sysfs paths are not broken with hyphens.
{ line[NR] = $0 }
END {
    for (i = 1; i < NR; i++) {
        if (line[i] == ".P" && line[i + 1] ~ /^\.RE( |$)/) {
            line[i] = line[i + 1]
            line[i + 1] = ".P"
            i++
        }
    }
    last = ""
    for (i = 1; i <= NR; i++) {
        if (line[i] == ".P") {
            if (last ~ /^\.(TH|SH|SS|P)( |$)/) continue
            if (i == NR || line[i + 1] ~ /^\.(SH|SS|P)( |$)/) continue
        }
        print line[i]
        if (line[i] ~ /^\.TH /) print ".nh"
        if (line[i] !~ /^\.\\"/) last = line[i]
    }
}
