# nbgrader's configuration for the course in this folder (run nbgrader commands from here).
# Layout: source/<assignment>/<notebook>.ipynb are the instructor's versions, with solutions and
# hidden tests; `nbgrader generate_assignment <assignment>` writes the student version to release/.
c = get_config()  # noqa: F821  (nbgrader provides get_config)

c.CourseDirectory.course_id = "neural-networks-with-nbtools"
c.CourseDirectory.root = "."

# A cell that runs longer than this (an endless loop, say) is stopped and scores 0; the rest of the
# notebook is still graded.
c.Execute.timeout = 60
c.Execute.interrupt_on_timeout = True

# What a student sees where the solution was.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"

# A graded cell the student deleted is put back from nbgrader's database and run, with a note
# saying so in the graded notebook; a test cell the student edited is always restored.
c.OverwriteCells.add_missing_cells = True
