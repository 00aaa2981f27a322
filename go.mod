module github.com/duetpair/duet

go 1.26
