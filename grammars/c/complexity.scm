; Cyclomatic complexity decision points (McCabe, as pmccabe / lizard count
; them): one @branch per if (`else if` too), loop, `case` label (not
; `default`), conditional expression and `&&` / `||` operator. `else`,
; `default` and `goto` are not counted.

;; Conditionals
(if_statement) @branch

(conditional_expression) @branch

(case_statement
  value: (_)) @branch

;; Loops
(for_statement) @branch

(while_statement) @branch

(do_statement) @branch

;; Short-circuit operators
(binary_expression
  operator: [
    "&&"
    "||"
  ]) @branch
