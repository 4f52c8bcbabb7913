package app

// SetPasswordCheck replaces the password hash check of s, for tests that
// count how often sign-in runs it.
func SetPasswordCheck(s *Service, check func(hash, password string) (bool, error)) {
	s.checkPassword = check
}
