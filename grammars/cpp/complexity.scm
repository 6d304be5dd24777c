; Cyclomatic complexity decision points (McCabe, as lizard counts them): one
; @branch per if (`else if` too), loop (range-for too), catch clause, `case`
; label (not `default`), conditional expression and `&&` / `||` operator
; (`and` / `or` spellings too). `else`, `default`, `try` are not counted.

;; Conditionals
(if_statement) @branch

(conditional_expression) @branch

(case_statement
  value: (_)) @branch

;; Loops
(for_statement) @branch

(for_range_loop) @branch

(while_statement) @branch

(do_statement) @branch

;; Exception handlers
(catch_clause) @branch

;; Short-circuit operators
(binary_expression
  operator: [
    "&&"
    "||"
    "and"
    "or"
  ]) @branch
