-- A statement of combined writes (store/internal/sqlcore/combine.go) must
-- fail when one of its updates finds no row, or its insert of a payment
-- meets a taken key: the transaction then runs again with each write on
-- its own, where the caller meets the error at the write. Failing in the
-- statement itself, not in the code that reads its answer, lets the COMMIT
-- travel in the same round trip as the last such statement (issue 18): the
-- server skips a COMMIT queued after a statement it refused.

CREATE FUNCTION paydeck_wrote(n bigint, what text) RETURNS bigint LANGUAGE plpgsql AS $$
BEGIN
	IF n = 0 THEN
		RAISE EXCEPTION 'combined write to % wrote no row', what USING ERRCODE = 'no_data_found';
	END IF;
	RETURN n;
END
$$;
