; Cyclomatic complexity decision points (McCabe): one @branch per if, elif,
; for (both forms), while / until, case item other than a lone `*)`, `&&` /
; `||` between commands or inside `[[ ]]`, and arithmetic ternary. `else` is
; not counted.

;; Conditionals
(if_statement) @branch

(elif_clause) @branch

((case_item
  .
  value: (_) @_pattern) @branch
  (#not-eq? @_pattern "*"))

(ternary_expression) @branch

;; Loops (`until` parses as a while_statement)
(for_statement) @branch

(c_style_for_statement) @branch

(while_statement) @branch

;; Short-circuit operators: command lists and `[[ ]]` tests
(list
  [
    "&&"
    "||"
  ]) @branch

(binary_expression
  operator: [
    "&&"
    "||"
  ]) @branch
