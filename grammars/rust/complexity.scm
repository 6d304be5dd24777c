; Cyclomatic complexity decision points (McCabe): one @branch per if / else
; if (`if let` too), while (`while let` too), for, match arm other than a bare
; `_` arm, and short-circuit operator (`&&`, `||`, and each `&&` of a let
; chain). Not counted: `else`, `loop` (its exits are the `if`s inside),
; the `?` try operator, closures.

;; Conditionals
(if_expression) @branch

((match_arm
  pattern: (match_pattern) @_pattern) @branch
  (#not-eq? @_pattern "_"))

;; Loops
(while_expression) @branch

(for_expression) @branch

;; Short-circuit operators
(binary_expression
  operator: [
    "&&"
    "||"
  ]) @branch

(let_chain
  "&&" @branch)
