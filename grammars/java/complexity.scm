; Cyclomatic complexity decision points (McCabe, as PMD / Checkstyle count
; them): one @branch per if (`else if` too), loop, catch, `case` label (not
; `default`), ternary, and `&&` / `||` operator. `else` and `finally` are
; not counted.

;; Conditionals
(if_statement) @branch

(ternary_expression) @branch

((switch_label) @branch
  (#not-match? @branch "^default"))

;; Loops
(for_statement) @branch

(enhanced_for_statement) @branch

(while_statement) @branch

(do_statement) @branch

;; Exception handlers
(catch_clause) @branch

;; Short-circuit operators
(binary_expression
  operator: [
    "&&"
    "||"
  ]) @branch
