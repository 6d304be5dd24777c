;; Blocks: bodies that hold statements (the file and each switch case
;; included)
(translation_unit) @block

(compound_statement) @block

(case_statement) @block

;; Statements and top-level declarations
[
  (expression_statement)
  (declaration)
  (return_statement)
  (if_statement)
  (for_statement)
  (while_statement)
  (do_statement)
  (switch_statement)
  (break_statement)
  (continue_statement)
  (goto_statement)
  (labeled_statement)
  (attributed_statement)
  (seh_try_statement)
  (function_definition)
  (type_definition)
  (preproc_include)
  (preproc_def)
  (preproc_function_def)
  (preproc_call)
] @statement
