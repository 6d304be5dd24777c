;; Blocks: bodies that hold statements or members (the file, namespace and
;; class bodies, and each switch case included)
(translation_unit) @block

(compound_statement) @block

(case_statement) @block

(declaration_list) @block

(field_declaration_list) @block

;; Statements and declarations
[
  (expression_statement)
  (declaration)
  (return_statement)
  (if_statement)
  (for_statement)
  (for_range_loop)
  (while_statement)
  (do_statement)
  (switch_statement)
  (break_statement)
  (continue_statement)
  (goto_statement)
  (labeled_statement)
  (attributed_statement)
  (try_statement)
  (throw_statement)
  (co_return_statement)
  (co_yield_statement)
  (seh_try_statement)
  (function_definition)
  (field_declaration)
  (type_definition)
  (alias_declaration)
  (using_declaration)
  (namespace_definition)
  (template_declaration)
  (static_assert_declaration)
  (preproc_include)
  (preproc_def)
  (preproc_function_def)
  (preproc_call)
] @statement
