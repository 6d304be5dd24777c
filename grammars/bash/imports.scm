;; `source file` and `. file`
((command
  name: (command_name
    (word) @_command)) @import
  (#any-of? @_command "source" "."))
